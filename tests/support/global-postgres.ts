/** vitest global setup of the `postgres` project: one cluster for the run, a database per test file. */
import type { TestProject } from 'vitest/node';
import { startCluster, type Cluster } from './postgres-cluster.js';

let cluster: Cluster | null = null;

export async function setup(project: TestProject): Promise<void> {
  const given = process.env.DATABASE_URL;
  const url = given?.startsWith('postgres') ? given : (cluster = await startCluster()).url;
  project.provide('postgresUrl', url);
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

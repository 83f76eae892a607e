/**
 * The shapes Discourse answers in, for the endpoints Flywheel calls — written here from Discourse's
 * published API schemas (spec/requests/api/schemas/json/*.json in discourse/discourse, named on
 * each schema below) and, where it publishes none, from the serializer that answers. Only what
 * the fake Discourse serves is described. Like the published schemas, objects allow no field they
 * do not name; a field is required where the published schema requires it.
 *
 * Where the published schema was recorded from a forum without likes, without the solved plugin, or
 * on the last page of a list, the serializer adds fields the recording never saw; each such field is
 * optional here and says where it comes from.
 */

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const orNull = (type: string): Schema => ({ type: [type, 'null'] });
const anyArray: Schema = { type: 'array' };
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
/** An object with exactly these fields; all required unless `optional` names them. */
const strict = (properties: Record<string, Schema>, optional: readonly string[] = []): Schema => ({
  type: 'object',
  additionalProperties: false,
  properties,
  required: Object.keys(properties).filter((k) => !optional.includes(k)),
});

const basicUser = strict({ id: int, username: str, name: str, avatar_template: str });

/**
 * One post of a topic. Source: topic_show_response.json, `post_stream.posts.items`.
 * `actions_summary` items: the published schema lists `id` and `can_act` (its post had no likes);
 * PostSerializer#actions_summary adds `count` when it is above 0, and leaves `can_act` out where
 * the viewer may not act (a like on one's own post) — so both are optional here.
 * `accepted_answer`, `can_accept_answer`, `can_unaccept_answer`, `topic_accepted_answer`: added to
 * PostSerializer by the discourse-solved plugin (plugin.rb, add_to_serializer(:post, …)).
 */
export const topicPost = strict(
  {
    id: int,
    name: str,
    username: str,
    avatar_template: str,
    created_at: str,
    cooked: str,
    post_number: int,
    post_type: int,
    updated_at: str,
    reply_count: int,
    reply_to_post_number: orNull('string'),
    quote_count: int,
    incoming_link_count: int,
    reads: int,
    readers_count: int,
    score: num,
    yours: bool,
    topic_id: int,
    topic_slug: str,
    display_username: str,
    primary_group_name: orNull('string'),
    flair_name: orNull('string'),
    flair_url: orNull('string'),
    flair_bg_color: orNull('string'),
    flair_color: orNull('string'),
    version: int,
    can_edit: bool,
    can_delete: bool,
    can_recover: bool,
    can_see_hidden_post: bool,
    can_wiki: bool,
    link_counts: arrayOf(strict({ url: str, internal: bool, reflection: bool, title: str, clicks: int })),
    read: bool,
    user_title: orNull('string'),
    bookmarked: bool,
    actions_summary: arrayOf(strict({ id: int, count: int, can_act: bool }, ['count', 'can_act'])),
    moderator: bool,
    admin: bool,
    staff: bool,
    user_id: int,
    hidden: bool,
    trust_level: int,
    deleted_at: orNull('string'),
    user_deleted: bool,
    edit_reason: orNull('string'),
    can_view_edit_history: bool,
    wiki: bool,
    reviewable_id: int,
    reviewable_score_count: int,
    reviewable_score_pending_count: int,
    accepted_answer: bool,
    can_accept_answer: bool,
    can_unaccept_answer: bool,
    topic_accepted_answer: bool,
  },
  ['can_see_hidden_post', 'accepted_answer', 'can_accept_answer', 'can_unaccept_answer', 'topic_accepted_answer'],
);

/**
 * `GET /t/{id}.json`. Source: topic_show_response.json. `accepted_answer`: added by the solved
 * plugin (lib/discourse_solved/topic_view_serializer_extension.rb) while the topic has a solution.
 */
export const topicShow = strict({
  post_stream: strict({ posts: arrayOf(topicPost), stream: arrayOf(int) }),
  timeline_lookup: anyArray,
  suggested_topics: anyArray,
  tags: anyArray,
  tags_descriptions: strict({}),
  id: int,
  title: str,
  fancy_title: str,
  posts_count: int,
  created_at: str,
  views: int,
  reply_count: int,
  like_count: int,
  last_posted_at: orNull('string'),
  visible: bool,
  closed: bool,
  archived: bool,
  has_summary: bool,
  archetype: str,
  slug: str,
  category_id: int,
  word_count: orNull('integer'),
  deleted_at: orNull('string'),
  user_id: int,
  featured_link: orNull('string'),
  pinned_globally: bool,
  pinned_at: orNull('string'),
  pinned_until: orNull('string'),
  image_url: orNull('string'),
  slow_mode_seconds: int,
  draft: orNull('string'),
  draft_key: str,
  draft_sequence: int,
  unpinned: orNull('string'),
  pinned: bool,
  highest_post_number: orNull('integer'),
  deleted_by: orNull('string'),
  has_deleted: bool,
  actions_summary: arrayOf(strict({ id: int, count: int, hidden: bool, can_act: bool })),
  chunk_size: int,
  bookmarked: bool,
  bookmarks: anyArray,
  topic_timer: orNull('string'),
  message_bus_last_id: int,
  participant_count: int,
  show_read_indicator: bool,
  thumbnails: orNull('string'),
  slow_mode_enabled_until: orNull('string'),
  summarizable: bool,
  accepted_answer: strict({ post_number: int, username: str, name: orNull('string'), excerpt: orNull('string'), accepter_name: orNull('string'), accepter_username: str }, ['accepter_name', 'accepter_username']),
  details: strict(
    {
      can_edit: bool,
      notification_level: int,
      can_move_posts: bool,
      can_delete: bool,
      can_remove_allowed_users: bool,
      can_create_post: bool,
      can_reply_as_new_topic: bool,
      can_convert_topic: bool,
      can_review_topic: bool,
      can_close_topic: bool,
      can_archive_topic: bool,
      can_split_merge_topic: bool,
      can_edit_staff_notes: bool,
      can_toggle_topic_visibility: bool,
      can_pin_unpin_topic: bool,
      can_moderate_category: bool,
      can_remove_self_id: int,
      can_invite_to: bool,
      can_invite_via_email: bool,
      can_flag_topic: bool,
      participants: anyArray,
      created_by: basicUser,
      last_poster: basicUser,
    },
    ['can_invite_to', 'can_invite_via_email', 'can_flag_topic', 'participants'],
  ),
}, ['accepted_answer']);

/**
 * `GET /t/{id}/posts.json?post_ids[]=…`: no published schema. TopicViewPostsSerializer answers the
 * requested posts, each as in a topic (`topicPost`), and the topic's id.
 */
export const topicPosts = strict({ post_stream: strict({ posts: arrayOf(topicPost) }), id: int });

/**
 * `GET /latest.json`. Source: category_topics_response.json (the same TopicListSerializer).
 * `more_topics_url`: added by TopicListSerializer while more pages follow (the recording was one page).
 */
export const latest = strict(
  {
    users: arrayOf(basicUser),
    primary_groups: anyArray,
    topic_list: strict(
      {
        can_create_topic: bool,
        per_page: int,
        top_tags: anyArray,
        more_topics_url: str,
        topics: arrayOf(
          strict({
            id: int,
            title: str,
            fancy_title: str,
            slug: str,
            posts_count: int,
            reply_count: int,
            highest_post_number: int,
            image_url: orNull('string'),
            created_at: str,
            last_posted_at: str,
            bumped: bool,
            bumped_at: str,
            archetype: str,
            unseen: bool,
            pinned: bool,
            unpinned: orNull('string'),
            excerpt: str,
            visible: bool,
            closed: bool,
            archived: bool,
            bookmarked: orNull('string'),
            liked: orNull('string'),
            views: int,
            like_count: int,
            has_summary: bool,
            last_poster_username: str,
            category_id: int,
            pinned_globally: bool,
            featured_link: orNull('string'),
            posters: arrayOf(strict({ extras: str, description: str, user_id: int, primary_group_id: orNull('integer') })),
          }),
        ),
      },
      ['top_tags', 'more_topics_url'],
    ),
  },
  ['users', 'primary_groups'],
);

/**
 * `GET /post_action_users.json?id=…&post_action_type_id=2&page=…&limit=…`: no published schema.
 * From PostActionUsersController#index (at most 200 a page; the total and the next page's path
 * only when there is more than one page) and PostActionUserSerializer (BasicUserSerializer's
 * fields, `post_url`, `username_lower`, `unknown` for muted users).
 */
export const postActionUsers = strict(
  {
    post_action_users: arrayOf(strict({ id: int, username: str, name: orNull('string'), avatar_template: str, post_url: orNull('string'), username_lower: str, unknown: bool }, ['name', 'post_url', 'unknown'])),
    total_rows_post_action_users: int,
    load_more_post_action_users: str,
  },
  ['total_rows_post_action_users', 'load_more_post_action_users'],
);

/**
 * `GET /about.json`: no published schema. From AboutSerializer: Flywheel reads `about.stats` only
 * (the topic count, for the import's progress), so only that much is pinned down here.
 */
export const about: Schema = {
  type: 'object',
  required: ['about'],
  properties: { about: { type: 'object', required: ['stats'], properties: { stats: { type: 'object', required: ['topics_count'], properties: { topics_count: int, posts_count: int, users_count: int } } } } },
};

const badgeType = strict({ id: int, name: str, sort_order: int });
const badgeFields = {
  id: int,
  name: str,
  description: str,
  grant_count: int,
  allow_title: bool,
  multiple_grant: bool,
  icon: str,
  image_url: orNull('string'),
  listable: bool,
  enabled: bool,
  badge_grouping_id: int,
  system: bool,
  long_description: str,
  slug: str,
  manually_grantable: bool,
  query: orNull('string'),
  target_posts: bool,
  auto_revoke: bool,
  show_posts: bool,
  badge_type_id: int,
};

/** `GET /admin/badges.json`. Source: badge_list_response.json. */
export const badgeList = strict({
  badges: arrayOf(strict({ ...badgeFields, trigger: orNull('integer'), i18n_name: str })),
  badge_types: arrayOf(badgeType),
  badge_groupings: arrayOf(strict({ id: int, name: str, description: orNull('string'), position: int, system: bool })),
  admin_badges: strict({
    protected_system_fields: anyArray,
    triggers: strict({ user_change: int, none: int, post_revision: int, trust_level_change: int, post_action: int }),
    badge_ids: anyArray,
    badge_grouping_ids: anyArray,
    badge_type_ids: anyArray,
  }),
});

/** `POST /admin/badges.json`. Source: badge_create_response.json. */
export const badgeCreate = strict({
  badge_types: arrayOf(badgeType),
  badge: strict({ ...badgeFields, trigger: orNull('string'), image_upload_id: orNull('integer'), post_header: bool }),
});

// The contributions page, a little easier with scripts on (everything works without them):
// a chosen CSV file is read into the form's text box, previewed like a pasted list;
for (const input of document.querySelectorAll('input[type=file][data-fills]')) {
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    const target = input.form && input.form.elements.namedItem(input.dataset.fills);
    if (file && target) target.value = await file.text();
  });
}

// a member's name offers the members it may mean, each picked by its number (#12).
document.querySelectorAll('input[data-members]').forEach((input, i) => {
  const list = document.createElement('datalist');
  list.id = `members-${i}`;
  input.after(list);
  input.setAttribute('list', list.id);
  let timer;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 2 || q.startsWith('#')) return;
      const res = await fetch(`/admin/contributions/members?q=${encodeURIComponent(q)}`, { headers: { accept: 'application/json' } });
      if (!res.ok) return;
      const { members } = await res.json();
      list.replaceChildren(
        ...members.map((m) => {
          const option = document.createElement('option');
          option.value = `#${m.id}`;
          option.label = `${m.displayName} (${m.accounts})`;
          return option;
        }),
      );
    }, 200);
  });
});

// Attendee lists: a chosen CSV file is read into the form's text box, so it is previewed like a pasted list (no upload format needed).
for (const input of document.querySelectorAll('input[type=file][data-fills]')) {
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    const target = input.form && input.form.elements.namedItem(input.dataset.fills);
    if (file && target) target.value = await file.text();
  });
}

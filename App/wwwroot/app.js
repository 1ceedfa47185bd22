// A button with data-opens-file="ID" opens the file chooser of the hidden <input type=file id=ID>. Done here, in the
// click itself, because browsers open a chooser only during the user's gesture, not after a round trip to the server.
document.addEventListener('click', event => {
    const button = event.target instanceof Element ? event.target.closest('[data-opens-file]') : null;
    if (button && !button.disabled) {
        document.getElementById(button.getAttribute('data-opens-file'))?.click();
    }
});

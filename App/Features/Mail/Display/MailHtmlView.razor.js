// Sizes each mail frame to the height its own sizing script reports. The frame runs without same-origin, so the
// page cannot measure its document; only the message from that frame's window is taken, and only as a number.
window.addEventListener("message", event => {
    const height = event.data && event.data.blazorTicketsMailHeight;
    if (typeof height !== "number" || !Number.isFinite(height)) {
        return;
    }
    for (const frame of document.querySelectorAll("iframe.mail-html-frame")) {
        if (frame.contentWindow === event.source) {
            frame.style.height = Math.min(Math.max(Math.ceil(height), 40), 20000) + "px";
        }
    }
});

// A frame that reported before this listener existed (the first page load) is asked once more.
for (const frame of document.querySelectorAll("iframe.mail-html-frame")) {
    frame.contentWindow?.postMessage("blazorTicketsMailHeight?", "*");
}

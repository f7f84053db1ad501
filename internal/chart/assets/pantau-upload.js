// Pantau upload page: shows how much of a large file has been sent. The
// form is posted with XMLHttpRequest so the browser reports the bytes sent;
// the answer (the preview page, same layout and styles) then replaces the
// page body. Without JavaScript the form posts as a plain HTML form.
(function () {
  "use strict";
  var form = document.querySelector("form[data-upload]");
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.DOMParser) {
    return;
  }
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    bar.value = 0;
    xhr.upload.onprogress = function (e) {
      if (!e.lengthComputable) {
        return;
      }
      var pct = Math.round((e.loaded / e.total) * 100);
      bar.value = pct;
      status.textContent = form.getAttribute("data-sending").replace("%d", pct);
    };
    xhr.upload.onload = function () {
      bar.removeAttribute("value"); // indeterminate while the server checks
      status.textContent = form.getAttribute("data-checking");
    };
    xhr.onload = function () {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      document.title = doc.title;
      document.body.replaceWith(document.adoptNode(doc.body));
      window.scrollTo(0, 0);
    };
    xhr.onerror = function () {
      bar.hidden = true;
      status.textContent = form.getAttribute("data-failed");
      if (button) {
        button.disabled = false;
      }
    };
    xhr.send(new FormData(form));
  });
})();

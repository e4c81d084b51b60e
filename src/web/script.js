(function () {
  // Copy buttons: data-copy names the element whose text is copied.
  document.querySelectorAll("[data-copy]").forEach(function (b) {
    b.addEventListener("click", function () {
      var el = document.getElementById(b.dataset.copy);
      var text = el.value !== undefined ? el.value : el.textContent;
      navigator.clipboard.writeText(text).then(function () { b.textContent = "Tersalin ✓"; });
    });
  });
  // Share buttons, where the phone can share.
  document.querySelectorAll("[data-share]").forEach(function (b) {
    if (!navigator.share) { b.hidden = true; return; }
    b.addEventListener("click", function () { navigator.share({ url: b.dataset.share }).catch(function () {}); });
  });
  // The join page's "Ikut via WhatsApp" text keeps the name typed (data attributes, no interpolation).
  var wa = document.getElementById("wa"), name = document.getElementById("name");
  if (wa && name && wa.dataset.slug) {
    var join = function () {
      wa.href = wa.dataset.base + encodeURIComponent("JOIN " + wa.dataset.slug + " | Nama: " + name.value.trim());
    };
    name.addEventListener("input", join);
    join();
  }
  // A cart form's one-time key, fresh for each page load (a cached page must
  // not give two loads the same key); the back button keeps it, so a
  // resubmission finds the bill it made.
  document.querySelectorAll("input[name=checkoutKey]").forEach(function (k) {
    if (window.crypto && crypto.randomUUID) k.value = crypto.randomUUID().replace(/-/g, "");
  });
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  // Photos: the longest side down to data-resize pixels, as JPEG, before upload.
  document.querySelectorAll("input[type=file][data-resize]").forEach(function (input) {
    var pending = null;
    input.addEventListener("change", function () {
      var f = input.files[0];
      if (!f || !/^image\//.test(f.type)) return;
      var max = +input.dataset.resize;
      pending = createImageBitmap(f).then(function (bmp) {
        var scale = Math.min(1, max / Math.max(bmp.width, bmp.height));
        if (scale === 1 && f.size < 1500000) return;
        var c = document.createElement("canvas");
        c.width = Math.round(bmp.width * scale);
        c.height = Math.round(bmp.height * scale);
        c.getContext("2d").drawImage(bmp, 0, 0, c.width, c.height);
        return new Promise(function (done) { c.toBlob(done, "image/jpeg", 0.85); }).then(function (blob) {
          var dt = new DataTransfer();
          dt.items.add(new File([blob], f.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }));
          input.files = dt.files;
        });
      }).catch(function () {}).then(function () { pending = null; });
    });
    input.form.addEventListener("submit", function (e) {
      if (!pending) return;
      e.preventDefault();
      pending.then(function () { input.form.requestSubmit(); });
    });
  });
})();

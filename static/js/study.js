/* The study session's keyboard shortcuts, focus after each HTMX swap, answer timing,
 * and pronunciation through the browser's own speech synthesis.
 *
 * Everything here is an enhancement: without it the forms post and the pages reload.
 *   Space      reveals a flip card's answer
 *   1-4        grade a revealed flip card, or pick a choice (a-d too)
 *   Enter      submits a typed answer (the form does it) and goes on from feedback
 * Speak buttons (`button.speak[data-lang][data-speak]`) stay hidden unless a voice for
 * their language exists; they are used on the catalog page too.
 */
(function () {
  "use strict";

  var shownAt = Date.now();
  // Between a swap and its settling htmx has not yet wired the new form: a key pressed
  // then would post it without htmx, so keys wait for the new question to settle.
  var settled = true;
  var LETTERS = { a: "1", b: "2", c: "3", d: "4" };

  function study() {
    return document.getElementById("study");
  }

  function typing(target) {
    return target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.isContentEditable);
  }

  function press(selector) {
    var button = study() && study().querySelector(selector);
    if (button) {
      button.click();
      return true;
    }
    return false;
  }

  function onKey(event) {
    var region = study();
    if (!region || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!settled) {
      event.preventDefault();
      return;
    }
    var flip = region.querySelector("details.study-flip");
    if (event.key === "Enter") {
      var next = region.querySelector(".study-next");
      if (next && document.activeElement !== next) {
        event.preventDefault();
        next.click();
      }
      return;
    }
    if (typing(event.target)) return;
    if (event.key === " " && flip && !flip.open) {
      event.preventDefault();
      flip.open = true;
      var first = flip.querySelector("button[data-key]");
      if (first) first.focus();
      return;
    }
    var key = LETTERS[event.key.toLowerCase()] || event.key;
    if (!/^[1-4]$/.test(key)) return;
    if (flip) {
      if (flip.open && press('details.study-flip button[data-key="' + key + '"]')) event.preventDefault();
      return;
    }
    if (press('.study-choices button[data-key="' + key + '"]')) event.preventDefault();
  }

  /* The time to answer feeds the rating (slow: Hard, fast: Easy); filled in before htmx
   * or the browser reads the form, hence the capture phase. */
  function onSubmit(event) {
    var field = event.target.querySelector && event.target.querySelector('input[name="response_ms"]');
    if (field) field.value = String(Date.now() - shownAt);
  }

  function focusNew(region) {
    var target = region.querySelector("[autofocus]") || region.querySelector("h2[tabindex]");
    if (target) target.focus();
  }

  function onSwap() {
    settled = true;
    showSpeakButtons(document);
    var region = study();
    if (!region) return;
    shownAt = Date.now();
    focusNew(region);
  }

  /* Pronunciation. */
  function normalise(code) {
    return String(code || "").replace("_", "-").toLowerCase();
  }

  function voiceFor(lang) {
    if (!("speechSynthesis" in window)) return null;
    var wanted = normalise(lang);
    var primary = wanted.split("-")[0];
    var voices = window.speechSynthesis.getVoices();
    var exact = null;
    var close = null;
    for (var i = 0; i < voices.length; i++) {
      var have = normalise(voices[i].lang);
      if (have === wanted) exact = exact || voices[i];
      else if (have.split("-")[0] === primary) close = close || voices[i];
    }
    return exact || close;
  }

  function showSpeakButtons(root) {
    var buttons = (root || document).querySelectorAll("button.speak[data-lang]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = !voiceFor(buttons[i].dataset.lang);
    }
  }

  function onClick(event) {
    var button = event.target.closest && event.target.closest("button.speak[data-lang]");
    if (!button) return;
    var voice = voiceFor(button.dataset.lang);
    if (!voice) return;
    var utterance = new SpeechSynthesisUtterance(button.dataset.speak || "");
    utterance.lang = voice.lang;
    utterance.voice = voice;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("submit", onSubmit, true);
  document.addEventListener("click", onClick);
  document.addEventListener("htmx:afterSwap", function () {
    settled = false;
  });
  document.addEventListener("htmx:afterSettle", onSwap);
  document.addEventListener("DOMContentLoaded", function () {
    showSpeakButtons(document);
    if ("speechSynthesis" in window) {
      window.speechSynthesis.addEventListener("voiceschanged", function () {
        showSpeakButtons(document);
      });
    }
  });
})();

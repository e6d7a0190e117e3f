// Accessibility repairs of Dash's own components, applied whenever they render.
//
// Dash 4's dropdown takes the keyboard focus on a hidden input marked aria-hidden (a screen reader
// lands on "nothing"); its radio items are labels with role="option" wrapping real radio buttons (an
// interactive control inside another) in an unnamed listbox; its slider thumb has no name. Here the
// focus target becomes a named combobox, the radio items a named radio group of plain radio buttons,
// and the slider thumb takes its control's label. The name comes from the control's own <label> in
// the page (the element with class ioc-a11y-label, or a <label for=id>) when there is one.
(function () {
  "use strict";

  function labelId(control) {
    if (!control || !control.id) {
      return null;
    }
    var label = document.querySelector('label[for="' + control.id + '"]');
    if (!label) {
      var box = control.closest(".ioc-map-control, .ov-filter, .ioc-filter, .ioc-field");
      label = box && box.querySelector("label, .ioc-a11y-label");
    }
    if (!label || label.contains(control)) {
      return null;
    }
    if (!label.id) {
      label.id = control.id + "-a11y-label";
    }
    return label.id;
  }

  function setAttr(el, name, value) {
    if (value === null) {
      if (el.hasAttribute(name)) {
        el.removeAttribute(name);
      }
    } else if (el.getAttribute(name) !== value) {
      el.setAttribute(name, value);
    }
  }

  function repairDropdown(target) {
    var button = target.parentElement && target.parentElement.querySelector("button.dash-dropdown");
    if (!button) {
      return;
    }
    var named = [labelId(button), button.getAttribute("aria-labelledby")].filter(Boolean).join(" ");
    setAttr(target, "aria-hidden", null);
    setAttr(target, "role", "combobox");
    setAttr(target, "aria-haspopup", "listbox");
    setAttr(target, "aria-expanded", button.getAttribute("aria-expanded") || "false");
    setAttr(target, "aria-labelledby", named || null);
  }

  function repairRadioItems(list) {
    setAttr(list, "role", "radiogroup");
    setAttr(list, "aria-labelledby", labelId(list));
    list.querySelectorAll(".dash-options-list-option").forEach(function (option) {
      setAttr(option, "role", null);
      setAttr(option, "aria-selected", null);
    });
  }

  function repairSlider(thumb) {
    var slider = thumb.closest("[id]");
    var named = labelId(slider);
    if (named) {
      setAttr(thumb, "aria-labelledby", named);
    }
  }

  function repair() {
    document.querySelectorAll(".dash-dropdown-focus-target").forEach(repairDropdown);
    document.querySelectorAll(".dash-radioitems, .dash-checklist").forEach(repairRadioItems);
    document.querySelectorAll(".dash-slider-thumb").forEach(repairSlider);
  }

  var scheduled = false;
  function later() {
    if (!scheduled) {
      scheduled = true;
      window.requestAnimationFrame(function () {
        scheduled = false;
        repair();
      });
    }
  }
  // The skip link moves the keyboard focus to the page itself (not only its scroll position), without
  // a hash in the address (the router reads the address).
  // The phone's filter button opens and closes the filters it controls.
  document.addEventListener("click", function (event) {
    var skip = event.target.closest && event.target.closest(".ioc-skip-link");
    if (skip) {
      var main = document.getElementById(skip.getAttribute("href").slice(1));
      if (main) {
        event.preventDefault();
        main.focus();
        main.scrollIntoView();
      }
      return;
    }
    var toggle = event.target.closest && event.target.closest(".ov-filters-toggle");
    if (toggle) {
      var fields = document.getElementById(toggle.getAttribute("aria-controls"));
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (fields) {
        fields.classList.toggle("is-open", open);
      }
    }
  });

  new MutationObserver(later).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["role", "aria-hidden", "aria-selected", "aria-expanded"],
  });
  later();
})();

// Turns a selection in a field drawn by comments/marks.py back into what the server counts:
// the field's path and the start/end offsets of the selected words in its text.
//
// marks.py puts every run of the field's own text in a <span data-o="N">, N being the offset
// of its first character; suggested insertions (<ins class="suggested-ins">) are not the
// field's text, and paragraph breaks and skipped blank lines belong to no run. Python counts
// code points where the browser counts UTF-16 units (an emoji is 2 units, 1 code point), so
// every count here is converted.
//
//   ReviewSelection.fromRange(range) -> {path, start, end, quote} or {error}
//   ReviewSelection.fromSelection()  -> the same for the page's selection, or null if none
//   ReviewSelection.rectOf(range)    -> where the range is on screen (for a floating button)
(function () {
  "use strict";

  var ONE_FIELD = "Select text within one paragraph or entry.";

  function elementOf(node) {
    return node.nodeType === 1 ? node : node.parentElement;
  }

  function fieldOf(node) {
    var element = elementOf(node);
    return element ? element.closest("[data-field]") : null;
  }

  function codePoints(text) {
    var count = 0;
    for (var i = 0; i < text.length; i++) {
      var unit = text.charCodeAt(i);
      if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
        var next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) i++; // a pair is one character
      }
      count++;
    }
    return count;
  }

  function sliceCodePoints(text, from, to) {
    return Array.from(text).slice(from, to).join("");
  }

  // The field's own runs of text, in document (= offset) order.
  function runsOf(field) {
    var runs = [];
    field.querySelectorAll("[data-o]").forEach(function (element) {
      if (element.closest("[data-field]") !== field || element.closest("ins.suggested-ins")) return;
      var text = element.textContent;
      var start = parseInt(element.getAttribute("data-o"), 10);
      runs.push({ element: element, start: start, text: text, end: start + codePoints(text) });
    });
    return runs;
  }

  // The offset in the field's text of one end of a range. Inside a run it is exact; inside
  // a suggested insertion it is where the insertion goes; anywhere else (an element's edge,
  // a paragraph break, a <br>) a start moves on to the next run and an end back to the
  // previous one, so that neither takes in what lies between paragraphs.
  function offsetAt(runs, node, offset, isEnd) {
    var element = elementOf(node);
    var inserted = element && element.closest("ins.suggested-ins[data-at]");
    if (inserted) return parseInt(inserted.getAttribute("data-at"), 10);
    var runElement = element && element.closest("[data-o]");
    for (var i = 0; runElement && i < runs.length; i++) {
      if (runs[i].element === runElement) {
        var before = document.createRange();
        before.setStart(runElement, 0);
        before.setEnd(node, offset);
        return runs[i].start + codePoints(before.toString());
      }
    }
    if (!runs.length) return 0;
    var point = document.createRange();
    point.setStart(node, offset);
    point.collapse(true);
    if (isEnd) {
      for (var j = runs.length - 1; j >= 0; j--) {
        var run = runs[j].element;
        if (point.comparePoint(run, run.childNodes.length) <= 0) return runs[j].end;
      }
      return runs[0].start;
    }
    for (var k = 0; k < runs.length; k++) {
      if (point.comparePoint(runs[k].element, 0) >= 0) return runs[k].start;
    }
    return runs[runs.length - 1].end;
  }

  // The field's text from start to end. Between two paragraphs lie newlines, unless the
  // next run says otherwise (data-gap: a blank line that holds spaces).
  function quoteOf(runs, start, end) {
    var parts = [];
    var previousEnd = null;
    runs.forEach(function (run) {
      if (previousEnd !== null && run.start > previousEnd) {
        var gapStart = Math.max(start, previousEnd);
        var gapEnd = Math.min(end, run.start);
        if (gapStart < gapEnd) {
          var gap = run.element.getAttribute("data-gap") || "\n".repeat(run.start - previousEnd);
          parts.push(sliceCodePoints(gap, gapStart - previousEnd, gapEnd - previousEnd));
        }
      }
      var from = Math.max(start, run.start);
      var to = Math.min(end, run.end);
      if (from < to) parts.push(sliceCodePoints(run.text, from - run.start, to - run.start));
      previousEnd = previousEnd === null ? run.end : Math.max(previousEnd, run.end);
    });
    return parts.join("");
  }

  // Whether only blank space lies between two points (start before end).
  function nothingBetween(startNode, startOffset, endNode, endOffset) {
    var between = document.createRange();
    between.setStart(startNode, startOffset);
    between.setEnd(endNode, endOffset);
    return between.toString().trim() === "";
  }

  function fromRange(range) {
    var startNode = range.startContainer, startOffset = range.startOffset;
    var endNode = range.endContainer, endOffset = range.endOffset;
    var field = fieldOf(startNode);
    var endField = fieldOf(endNode);
    if (field !== endField) {
      // A triple-click on a field's last line selects up to the start of whatever follows
      // the field (and one on its first line may start before it): what was meant is
      // the field alone, as long as nothing visible lies beyond it.
      if (field && nothingBetween(field, field.childNodes.length, endNode, endOffset)) {
        endNode = field;
        endOffset = field.childNodes.length;
      } else if (endField && nothingBetween(startNode, startOffset, endField, 0)) {
        field = endField;
        startNode = endField;
        startOffset = 0;
      } else {
        return { error: ONE_FIELD };
      }
    }
    if (!field) return { error: ONE_FIELD };
    var runs = runsOf(field);
    var start = offsetAt(runs, startNode, startOffset, false);
    var end = offsetAt(runs, endNode, endOffset, true);
    // Only an insertion, or only the space between paragraphs, was selected: a point.
    if (end < start) end = start;
    var quote = quoteOf(runs, start, end);
    // A selection that stops right after a line break (a triple-click on a line, a drag
    // to the start of the next one) means the line, not the break: a suggestion made on
    // it must not join two lines. Only one break goes, so one can still select a blank
    // line to suggest removing it.
    var lineBreak = /\r?\n$/.exec(quote);
    if (lineBreak) {
      end -= lineBreak[0].length;
      quote = quote.slice(0, -lineBreak[0].length);
    }
    return { path: field.getAttribute("data-field"), start: start, end: end, quote: quote };
  }

  function fromSelection() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount !== 1 || selection.isCollapsed) return null;
    return fromRange(selection.getRangeAt(0));
  }

  function rectOf(range) {
    var rect = range.getBoundingClientRect();
    if (rect.width || rect.height) return rect;
    // A collapsed range, or one that ends at an element's edge, may measure nothing.
    var rects = range.getClientRects();
    if (rects.length) return rects[rects.length - 1];
    var element = elementOf(range.endContainer);
    return element ? element.getBoundingClientRect() : rect;
  }

  window.ReviewSelection = { fromRange: fromRange, fromSelection: fromSelection, rectOf: rectOf };
})();

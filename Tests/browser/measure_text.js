// Injected by measure_text.sh into a copy of a report page: measures every drawn <text> of every
// <svg> as Chromium laid it out (rotation and real fonts included) and writes the result into the
// page, which measure_text.sh reads back from the dumped DOM:
//   pre#measured  "TEXTS CJK": how many texts were measured, and how many of them hold CJK;
//   pre#clipped   one line per text whose box reaches outside its <svg>: chart title, the text,
//                 and by how many CSS pixels on which side.
(function () {
    const tolerance = 0.5; // CSS px: anti-aliasing and rounding, not a clipped glyph.
    const cjk = /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uAC00-\uD7A3\uF900-\uFAFF\uFF00-\uFF60]/;
    let measured = 0, withCJK = 0;
    const clipped = [];
    for (const svg of document.querySelectorAll('svg')) {
        const frame = svg.getBoundingClientRect();
        const chart = (svg.querySelector(':scope > title') || {}).textContent || '(untitled svg)';
        for (const text of svg.querySelectorAll('text')) {
            // Only the drawn characters: a <title> child is a tooltip, not drawn.
            const shown = Array.from(text.childNodes).filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.data).join('');
            if (shown.trim() === '') continue;
            measured += 1;
            if (cjk.test(shown)) withCJK += 1;
            const box = text.getBoundingClientRect();
            const out = [];
            if (box.left < frame.left - tolerance) out.push('left ' + (frame.left - box.left).toFixed(1));
            if (box.right > frame.right + tolerance) out.push('right ' + (box.right - frame.right).toFixed(1));
            if (box.top < frame.top - tolerance) out.push('top ' + (frame.top - box.top).toFixed(1));
            if (box.bottom > frame.bottom + tolerance) out.push('bottom ' + (box.bottom - frame.bottom).toFixed(1));
            if (out.length) clipped.push(chart + ' | ' + shown + ' | ' + out.join(', ') + ' px');
        }
    }
    const write = (id, content) => {
        const pre = document.createElement('pre');
        pre.id = id;
        pre.textContent = content;
        document.body.appendChild(pre);
    };
    write('measured', measured + ' ' + withCJK);
    write('clipped', clipped.join('\n'));
})();

// @ts-check
// The "recent verdicts" list (a click on a row opens the feedback dialog, feedback.js).
import { $, h } from './dom.js';
import { statusChip, timeOf } from './format.js';
import { app } from './state.js';

export function renderVerdicts() {
  $('verdicts').replaceChildren(
    ...app.verdicts.slice(0, 30).map((v) =>
      h(
        'li',
        { dataset: { jobId: v.jobId }, title: '클릭: 피드백 · click: feedback' },
        h('span', { class: 't' }, timeOf(v.analyzedAt)),
        h('span', {}, v.cameraId),
        statusChip(v.status),
        // the unchanged-scene gate (issue #13): stored safe without a model request, never silently
        v.skipped
          ? h(
              'span',
              { class: 's skipped', title: `${v.summary} (repeats ${v.repeats})` },
              h('span', { class: 'skip-tag' }, '변화 없음 · unchanged'),
              ` → ${v.repeats}`,
            )
          : h('span', { class: 's', title: v.summary }, v.summary),
      ),
    ),
  );
}

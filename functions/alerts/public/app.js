// @ts-check
// Safety-Hanta dashboard: the page's entry module (index.html loads only this). Plain browser
// JavaScript as ES modules, no framework, no build step, no external network; labels come from
// the server's generated labels.js (functions/shared/src/verdict.ts). Untrusted text (summaries,
// ids) only ever goes through textContent, never innerHTML.
import { beep } from './alarm.js';
import { startCoverage } from './coverage.js';
import { $, $as, h } from './dom.js';
import { watchPlayback } from './clip-play.js';
import { acknowledgeIncident, renderFeed, tickFeed } from './feed.js';
import { startFeedback } from './feedback.js';
import { startZoneIndex } from './incident-zones.js';
import { closePlayer } from './player.js';
import { connect } from './sse.js';
import { app, now } from './state.js';
import { tickTiles } from './tiles.js';

/** @type {readonly string[]} */
const FILTERS = ['all', 'open', 'unacked'];

for (const b of document.querySelectorAll('.filters button'))
  b.addEventListener('click', () => {
    const filter = /** @type {HTMLElement} */ (b).dataset.filter ?? 'all';
    app.filter = /** @type {'all' | 'open' | 'unacked'} */ (FILTERS.includes(filter) ? filter : 'all');
    document.querySelectorAll('.filters button').forEach((x) => x.classList.toggle('active', x === b));
    renderFeed();
  });
watchPlayback($as('player-video', HTMLVideoElement)); // an undecodable clip → its H.264 copy (issue #26.4)
$('player-close').addEventListener('click', closePlayer);
$('player').addEventListener('click', (e) => {
  if (e.target === $('player')) closePlayer();
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !$('player').hidden) closePlayer();
});
$('player-ack').addEventListener('click', () => {
  if (app.selected) void acknowledgeIncident(app.selected);
});
$('sound').addEventListener('click', () => {
  app.sound = !app.sound;
  $('sound').setAttribute('aria-pressed', String(app.sound));
  $('sound').replaceChildren(
    h('span', { class: `sound-dot${app.sound ? ' on' : ''}` }),
    h('span', {}, app.sound ? '경보음 켜짐 · sound on' : '경보음 꺼짐 · sound off'),
  );
  if (app.sound) beep('warning');
});
window.addEventListener('focus', () => {
  document.title = 'Safety-Hanta · 안전 관제';
});

function tick() {
  tickFeed();
  tickTiles();
  $('clock').textContent = new Date(now()).toLocaleTimeString('en-GB', { hour12: false });
}
setInterval(tick, 1000);
tick();
startZoneIndex(renderFeed); // the feed re-renders with zone names once the registry is read
startFeedback();
startCoverage();
connect();

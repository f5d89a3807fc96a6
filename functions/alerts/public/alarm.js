// @ts-check
// The alarm for a new (or escalated) incident: the card flashes, the tab title changes, and with
// sound on, a tone (Web Audio; no audio file to fetch).
import { SEVERITY_LABEL } from './format.js';
import { app } from './state.js';

/** @typedef {import('./types.js').Severity} Severity */

/** @type {AudioContext | undefined} */
let audio;

/** @param {Severity} severity */
export function beep(severity) {
  if (!app.sound) return;
  try {
    audio = audio || new AudioContext();
    const ctx = audio;
    const tones = severity === 'danger' ? [880, 660, 880] : [660];
    tones.forEach((f, i) => {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      const at = ctx.currentTime + i * 0.22;
      o.frequency.value = f;
      g.gain.setValueAtTime(0.0001, at);
      g.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
      o.connect(g).connect(ctx.destination);
      o.start(at);
      o.stop(at + 0.21);
    });
  } catch {
    /* no audio device: the visual alarm is enough */
  }
}

/** @param {{ incidentId: string, severity: Severity, cameraId: string }} inc */
export function alarm(inc) {
  app.alarms += 1;
  document.body.dataset.alarms = String(app.alarms); // observable count (operators' screen recorders, tests)
  const card = document.querySelector(`.inc[data-incident-id="${CSS.escape(inc.incidentId)}"]`);
  if (card instanceof HTMLElement) {
    card.classList.remove('flash');
    void card.offsetWidth; // restart the CSS animation
    card.classList.add('flash');
    setTimeout(() => card.classList.remove('flash'), 2200);
  }
  beep(inc.severity);
  document.title = `(${SEVERITY_LABEL[inc.severity]}) ${inc.cameraId} · Safety-Hanta`;
}

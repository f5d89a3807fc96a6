// @ts-check
// Plays a clip in a <video>; when this browser cannot decode it (an HEVC camera in a browser
// without an HEVC decoder, e.g. Debian's chromium or Firefox), plays the server's H.264 copy
// instead and says so on screen (issue #26.4). The download link keeps the original.
import { $ } from './dom.js';
import { clipUrl } from './format.js';

/** @param {string} p a clip path relative to CLIPS_DIR */
export const h264CopyUrl = (p) => `/renditions/h264/${p.split('/').map(encodeURIComponent).join('/')}`;

const NOTICE_COPY =
  'H.264 사본 재생 중 — 이 브라우저는 원본(HEVC)을 재생하지 못합니다. 다운로드는 원본입니다. · ' +
  'Playing an H.264 copy: this browser cannot play the original (HEVC); the download is the original.';
const NOTICE_NONE =
  '이 브라우저에서 재생할 수 없습니다. 클립을 다운로드하세요. · This clip cannot be played here; download it.';

/** @param {string} text */
function notice(text) {
  const el = $('player-notice');
  el.textContent = text;
  el.hidden = text === '';
}

/**
 * The original cannot be decoded here: MediaError code 4 MEDIA_ERR_SRC_NOT_SUPPORTED ("the
 * resource or media provider object is not suitable", which Chromium gives for an HEVC track it
 * has no decoder for: DEMUXER_ERROR_NO_SUPPORTED_STREAMS) or 3 MEDIA_ERR_DECODE
 * (https://developer.mozilla.org/en-US/docs/Web/API/MediaError/code). The `error` event fires at
 * the media element (https://developer.mozilla.org/en-US/docs/Web/API/HTMLMediaElement/error_event).
 * A browser that opens the file but finds no video it can show reports `videoWidth` 0 once the
 * metadata is in (https://developer.mozilla.org/en-US/docs/Web/API/HTMLVideoElement/videoWidth).
 * `canPlayType` cannot decide for us: it needs the codec string, which the page does not know
 * before reading the file (https://developer.mozilla.org/en-US/docs/Web/API/HTMLMediaElement/canPlayType).
 * @param {HTMLVideoElement} video
 */
function undecodable(video) {
  const code = video.error?.code;
  if (code === MediaError.MEDIA_ERR_SRC_NOT_SUPPORTED || code === MediaError.MEDIA_ERR_DECODE) return true;
  return video.readyState >= HTMLMediaElement.HAVE_METADATA && video.videoWidth === 0;
}

/** @param {HTMLVideoElement} video */
function start(video) {
  video.play().catch(() => {
    /* autoplay refused: the controls are there */
  });
}

/**
 * Listens once per <video>: the original failing → its H.264 copy; the copy failing → a message.
 * @param {HTMLVideoElement} video
 */
export function watchPlayback(video) {
  const check = () => {
    const clip = video.dataset.clip;
    if (!clip || !undecodable(video)) return;
    if (video.dataset.copy === 'h264') return notice(NOTICE_NONE);
    video.dataset.copy = 'h264';
    video.setAttribute('src', h264CopyUrl(clip));
    notice(NOTICE_COPY);
    start(video);
  };
  video.addEventListener('error', check);
  video.addEventListener('loadedmetadata', check);
}

/**
 * Plays a clip from the start: the original first.
 * @param {HTMLVideoElement} video
 * @param {string} clipPath relative to CLIPS_DIR
 */
export function playClip(video, clipPath) {
  video.dataset.clip = clipPath;
  delete video.dataset.copy;
  notice('');
  video.setAttribute('src', clipUrl(clipPath));
  start(video);
}

/**
 * Empties the player (no clip, no notice).
 * @param {HTMLVideoElement} video
 */
export function stopClip(video) {
  delete video.dataset.clip;
  delete video.dataset.copy;
  notice('');
  video.pause();
  video.removeAttribute('src');
  video.load();
}

/**
 * `Promise.withResolvers` for Node 20. node-av 6 calls it (an ES2024 built-in, Node ≥ 22), so
 * this module is imported first, before `node-av/api` is loaded (decode-worker.mjs).
 */
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

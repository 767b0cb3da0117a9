import { createRequire as __krCreateRequire } from 'node:module'; const require = __krCreateRequire(import.meta.url);
import {
  readMainStepState
} from "./chunks/chunk-JMKURI7G.js";
import "./chunks/chunk-2G5UZ7J5.js";

// src/post.ts
var main = readMainStepState();
if (!main.finished) {
  const { recoverUnfinished } = await import("./chunks/post-step-ZTDDVAST.js");
  await recoverUnfinished(main);
}

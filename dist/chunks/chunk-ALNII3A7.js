import { createRequire as __krCreateRequire } from 'node:module'; const require = __krCreateRequire(import.meta.url);
import {
  __commonJS,
  __require
} from "./chunk-2G5UZ7J5.js";

// required-builtin:node:http
var require_node_http = __commonJS({
  "required-builtin:node:http"(exports, module) {
    module.exports = __require("node:http");
  }
});

// required-builtin:node:https
var require_node_https = __commonJS({
  "required-builtin:node:https"(exports, module) {
    module.exports = __require("node:https");
  }
});

export {
  require_node_http,
  require_node_https
};

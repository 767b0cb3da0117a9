import { createRequire as __krCreateRequire } from 'node:module'; const require = __krCreateRequire(import.meta.url);
import {
  mainStepState
} from "./chunk-JMKURI7G.js";
import {
  ExitCode,
  InputError,
  InputErrors,
  MAX_RELEASE_NAME,
  annotationAt,
  canaryServiceName,
  checkCondition,
  checkReferences,
  createLogger,
  createRedactor,
  createReporters,
  credentialValues,
  deploy,
  describeChanges,
  dryRunAll,
  error,
  formatLocated,
  getInput,
  holderId,
  info,
  inputsForLoading,
  inputsForReport,
  isPlainObject,
  isUnchanged,
  loadCluster,
  loadReleaseState,
  parseYaml,
  problemsOf,
  promote,
  providerTable,
  readCanaryScale,
  readConfig,
  readGitHubContext,
  readInputs,
  readLive,
  redactRecord,
  refOf,
  releaseName,
  renderManifests,
  renderPlanReport,
  reportStoppedRun,
  rollback,
  saveState,
  secretValuesOf,
  setFailed,
  setOutput,
  specOf,
  status,
  stepLabel,
  strategyFor,
  summary,
  tryParseDuration,
  valueAt,
  versionOf,
  view,
  warning,
  workloadKey
} from "./chunk-PMBPZ5EO.js";
import "./chunk-ALNII3A7.js";
import {
  __commonJS,
  __toESM
} from "./chunk-2G5UZ7J5.js";

// node_modules/fastest-levenshtein/mod.js
var require_mod = __commonJS({
  "node_modules/fastest-levenshtein/mod.js"(exports) {
    "use strict";
    exports.__esModule = true;
    exports.distance = exports.closest = void 0;
    var peq = new Uint32Array(65536);
    var myers_32 = function(a, b) {
      var n = a.length;
      var m = b.length;
      var lst = 1 << n - 1;
      var pv = -1;
      var mv = 0;
      var sc = n;
      var i = n;
      while (i--) {
        peq[a.charCodeAt(i)] |= 1 << i;
      }
      for (i = 0; i < m; i++) {
        var eq = peq[b.charCodeAt(i)];
        var xv = eq | mv;
        eq |= (eq & pv) + pv ^ pv;
        mv |= ~(eq | pv);
        pv &= eq;
        if (mv & lst) {
          sc++;
        }
        if (pv & lst) {
          sc--;
        }
        mv = mv << 1 | 1;
        pv = pv << 1 | ~(xv | mv);
        mv &= xv;
      }
      i = n;
      while (i--) {
        peq[a.charCodeAt(i)] = 0;
      }
      return sc;
    };
    var myers_x = function(b, a) {
      var n = a.length;
      var m = b.length;
      var mhc = [];
      var phc = [];
      var hsize = Math.ceil(n / 32);
      var vsize = Math.ceil(m / 32);
      for (var i = 0; i < hsize; i++) {
        phc[i] = -1;
        mhc[i] = 0;
      }
      var j = 0;
      for (; j < vsize - 1; j++) {
        var mv_1 = 0;
        var pv_1 = -1;
        var start_1 = j * 32;
        var vlen_1 = Math.min(32, m) + start_1;
        for (var k = start_1; k < vlen_1; k++) {
          peq[b.charCodeAt(k)] |= 1 << k;
        }
        for (var i = 0; i < n; i++) {
          var eq = peq[a.charCodeAt(i)];
          var pb = phc[i / 32 | 0] >>> i & 1;
          var mb = mhc[i / 32 | 0] >>> i & 1;
          var xv = eq | mv_1;
          var xh = ((eq | mb) & pv_1) + pv_1 ^ pv_1 | eq | mb;
          var ph = mv_1 | ~(xh | pv_1);
          var mh = pv_1 & xh;
          if (ph >>> 31 ^ pb) {
            phc[i / 32 | 0] ^= 1 << i;
          }
          if (mh >>> 31 ^ mb) {
            mhc[i / 32 | 0] ^= 1 << i;
          }
          ph = ph << 1 | pb;
          mh = mh << 1 | mb;
          pv_1 = mh | ~(xv | ph);
          mv_1 = ph & xv;
        }
        for (var k = start_1; k < vlen_1; k++) {
          peq[b.charCodeAt(k)] = 0;
        }
      }
      var mv = 0;
      var pv = -1;
      var start = j * 32;
      var vlen = Math.min(32, m - start) + start;
      for (var k = start; k < vlen; k++) {
        peq[b.charCodeAt(k)] |= 1 << k;
      }
      var score = m;
      for (var i = 0; i < n; i++) {
        var eq = peq[a.charCodeAt(i)];
        var pb = phc[i / 32 | 0] >>> i & 1;
        var mb = mhc[i / 32 | 0] >>> i & 1;
        var xv = eq | mv;
        var xh = ((eq | mb) & pv) + pv ^ pv | eq | mb;
        var ph = mv | ~(xh | pv);
        var mh = pv & xh;
        score += ph >>> m - 1 & 1;
        score -= mh >>> m - 1 & 1;
        if (ph >>> 31 ^ pb) {
          phc[i / 32 | 0] ^= 1 << i;
        }
        if (mh >>> 31 ^ mb) {
          mhc[i / 32 | 0] ^= 1 << i;
        }
        ph = ph << 1 | pb;
        mh = mh << 1 | mb;
        pv = mh | ~(xv | ph);
        mv = ph & xv;
      }
      for (var k = start; k < vlen; k++) {
        peq[b.charCodeAt(k)] = 0;
      }
      return score;
    };
    var distance2 = function(a, b) {
      if (a.length < b.length) {
        var tmp = b;
        b = a;
        a = tmp;
      }
      if (b.length === 0) {
        return a.length;
      }
      if (a.length <= 32) {
        return myers_32(a, b);
      }
      return myers_x(a, b);
    };
    exports.distance = distance2;
    var closest2 = function(str, arr) {
      var min_distance = Infinity;
      var min_index = 0;
      for (var i = 0; i < arr.length; i++) {
        var dist = distance2(str, arr[i]);
        if (dist < min_distance) {
          min_distance = dist;
          min_index = i;
        }
      }
      return arr[min_index];
    };
    exports.closest = closest2;
  }
});

// node_modules/picomatch/lib/constants.js
var require_constants = __commonJS({
  "node_modules/picomatch/lib/constants.js"(exports, module) {
    "use strict";
    var WIN_SLASH = "\\\\/";
    var WIN_NO_SLASH = `[^${WIN_SLASH}]`;
    var DEFAULT_MAX_EXTGLOB_RECURSION = 0;
    var DOT_LITERAL = "\\.";
    var PLUS_LITERAL = "\\+";
    var QMARK_LITERAL = "\\?";
    var SLASH_LITERAL = "\\/";
    var ONE_CHAR = "(?=.)";
    var QMARK = "[^/]";
    var END_ANCHOR = `(?:${SLASH_LITERAL}|$)`;
    var START_ANCHOR = `(?:^|${SLASH_LITERAL})`;
    var DOTS_SLASH = `${DOT_LITERAL}{1,2}${END_ANCHOR}`;
    var NO_DOT = `(?!${DOT_LITERAL})`;
    var NO_DOTS = `(?!${START_ANCHOR}${DOTS_SLASH})`;
    var NO_DOT_SLASH = `(?!${DOT_LITERAL}{0,1}${END_ANCHOR})`;
    var NO_DOTS_SLASH = `(?!${DOTS_SLASH})`;
    var QMARK_NO_DOT = `[^.${SLASH_LITERAL}]`;
    var STAR = `${QMARK}*?`;
    var SEP = "/";
    var POSIX_CHARS = {
      DOT_LITERAL,
      PLUS_LITERAL,
      QMARK_LITERAL,
      SLASH_LITERAL,
      ONE_CHAR,
      QMARK,
      END_ANCHOR,
      DOTS_SLASH,
      NO_DOT,
      NO_DOTS,
      NO_DOT_SLASH,
      NO_DOTS_SLASH,
      QMARK_NO_DOT,
      STAR,
      START_ANCHOR,
      SEP
    };
    var WINDOWS_CHARS = {
      ...POSIX_CHARS,
      SLASH_LITERAL: `[${WIN_SLASH}]`,
      QMARK: WIN_NO_SLASH,
      STAR: `${WIN_NO_SLASH}*?`,
      DOTS_SLASH: `${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$)`,
      NO_DOT: `(?!${DOT_LITERAL})`,
      NO_DOTS: `(?!(?:^|[${WIN_SLASH}])${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      NO_DOT_SLASH: `(?!${DOT_LITERAL}{0,1}(?:[${WIN_SLASH}]|$))`,
      NO_DOTS_SLASH: `(?!${DOT_LITERAL}{1,2}(?:[${WIN_SLASH}]|$))`,
      QMARK_NO_DOT: `[^.${WIN_SLASH}]`,
      START_ANCHOR: `(?:^|[${WIN_SLASH}])`,
      END_ANCHOR: `(?:[${WIN_SLASH}]|$)`,
      SEP: "\\"
    };
    var POSIX_REGEX_SOURCE = {
      __proto__: null,
      alnum: "a-zA-Z0-9",
      alpha: "a-zA-Z",
      ascii: "\\x00-\\x7F",
      blank: " \\t",
      cntrl: "\\x00-\\x1F\\x7F",
      digit: "0-9",
      graph: "\\x21-\\x7E",
      lower: "a-z",
      print: "\\x20-\\x7E ",
      punct: "\\-!\"#$%&'()\\*+,./:;<=>?@[\\]^_`{|}~",
      space: " \\t\\r\\n\\v\\f",
      upper: "A-Z",
      word: "A-Za-z0-9_",
      xdigit: "A-Fa-f0-9"
    };
    module.exports = {
      DEFAULT_MAX_EXTGLOB_RECURSION,
      MAX_LENGTH: 1024 * 64,
      POSIX_REGEX_SOURCE,
      // regular expressions
      REGEX_BACKSLASH: /\\(?![*+?^${}(|)[\]])/g,
      REGEX_NON_SPECIAL_CHARS: /^[^@![\].,$*+?^{}()|\\/]+/,
      REGEX_SPECIAL_CHARS: /[-*+?.^${}(|)[\]]/,
      REGEX_SPECIAL_CHARS_BACKREF: /(\\?)((\W)(\3*))/g,
      REGEX_SPECIAL_CHARS_GLOBAL: /([-*+?.^${}(|)[\]])/g,
      REGEX_REMOVE_BACKSLASH: /(?:\[.*?[^\\]\]|\\(?=.))/g,
      // Replace globs with equivalent patterns to reduce parsing time.
      REPLACEMENTS: {
        __proto__: null,
        "***": "*",
        "**/**": "**",
        "**/**/**": "**"
      },
      // Digits
      CHAR_0: 48,
      /* 0 */
      CHAR_9: 57,
      /* 9 */
      // Alphabet chars.
      CHAR_UPPERCASE_A: 65,
      /* A */
      CHAR_LOWERCASE_A: 97,
      /* a */
      CHAR_UPPERCASE_Z: 90,
      /* Z */
      CHAR_LOWERCASE_Z: 122,
      /* z */
      CHAR_LEFT_PARENTHESES: 40,
      /* ( */
      CHAR_RIGHT_PARENTHESES: 41,
      /* ) */
      CHAR_ASTERISK: 42,
      /* * */
      // Non-alphabetic chars.
      CHAR_AMPERSAND: 38,
      /* & */
      CHAR_AT: 64,
      /* @ */
      CHAR_BACKWARD_SLASH: 92,
      /* \ */
      CHAR_CARRIAGE_RETURN: 13,
      /* \r */
      CHAR_CIRCUMFLEX_ACCENT: 94,
      /* ^ */
      CHAR_COLON: 58,
      /* : */
      CHAR_COMMA: 44,
      /* , */
      CHAR_DOT: 46,
      /* . */
      CHAR_DOUBLE_QUOTE: 34,
      /* " */
      CHAR_EQUAL: 61,
      /* = */
      CHAR_EXCLAMATION_MARK: 33,
      /* ! */
      CHAR_FORM_FEED: 12,
      /* \f */
      CHAR_FORWARD_SLASH: 47,
      /* / */
      CHAR_GRAVE_ACCENT: 96,
      /* ` */
      CHAR_HASH: 35,
      /* # */
      CHAR_HYPHEN_MINUS: 45,
      /* - */
      CHAR_LEFT_ANGLE_BRACKET: 60,
      /* < */
      CHAR_LEFT_CURLY_BRACE: 123,
      /* { */
      CHAR_LEFT_SQUARE_BRACKET: 91,
      /* [ */
      CHAR_LINE_FEED: 10,
      /* \n */
      CHAR_NO_BREAK_SPACE: 160,
      /* \u00A0 */
      CHAR_PERCENT: 37,
      /* % */
      CHAR_PLUS: 43,
      /* + */
      CHAR_QUESTION_MARK: 63,
      /* ? */
      CHAR_RIGHT_ANGLE_BRACKET: 62,
      /* > */
      CHAR_RIGHT_CURLY_BRACE: 125,
      /* } */
      CHAR_RIGHT_SQUARE_BRACKET: 93,
      /* ] */
      CHAR_SEMICOLON: 59,
      /* ; */
      CHAR_SINGLE_QUOTE: 39,
      /* ' */
      CHAR_SPACE: 32,
      /*   */
      CHAR_TAB: 9,
      /* \t */
      CHAR_UNDERSCORE: 95,
      /* _ */
      CHAR_VERTICAL_LINE: 124,
      /* | */
      CHAR_ZERO_WIDTH_NOBREAK_SPACE: 65279,
      /* \uFEFF */
      /**
       * Create EXTGLOB_CHARS
       */
      extglobChars(chars) {
        return {
          "!": { type: "negate", open: "(?:(?!(?:", close: `))${chars.STAR})` },
          "?": { type: "qmark", open: "(?:", close: ")?" },
          "+": { type: "plus", open: "(?:", close: ")+" },
          "*": { type: "star", open: "(?:", close: ")*" },
          "@": { type: "at", open: "(?:", close: ")" }
        };
      },
      /**
       * Create GLOB_CHARS
       */
      globChars(win32) {
        return win32 === true ? WINDOWS_CHARS : POSIX_CHARS;
      }
    };
  }
});

// node_modules/picomatch/lib/utils.js
var require_utils = __commonJS({
  "node_modules/picomatch/lib/utils.js"(exports) {
    "use strict";
    var {
      REGEX_BACKSLASH,
      REGEX_REMOVE_BACKSLASH,
      REGEX_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_GLOBAL
    } = require_constants();
    exports.isObject = (val) => val !== null && typeof val === "object" && !Array.isArray(val);
    exports.hasRegexChars = (str) => REGEX_SPECIAL_CHARS.test(str);
    exports.isRegexChar = (str) => str.length === 1 && exports.hasRegexChars(str);
    exports.escapeRegex = (str) => str.replace(REGEX_SPECIAL_CHARS_GLOBAL, "\\$1");
    exports.toPosixSlashes = (str) => str.replace(REGEX_BACKSLASH, "/");
    exports.isWindows = () => {
      if (typeof navigator !== "undefined" && navigator.platform) {
        const platform = navigator.platform.toLowerCase();
        return platform === "win32" || platform === "windows";
      }
      if (typeof process !== "undefined" && process.platform) {
        return process.platform === "win32";
      }
      return false;
    };
    exports.removeBackslashes = (str) => {
      return str.replace(REGEX_REMOVE_BACKSLASH, (match) => {
        return match === "\\" ? "" : match;
      });
    };
    exports.escapeLast = (input, char, lastIdx) => {
      const idx = input.lastIndexOf(char, lastIdx);
      if (idx === -1) return input;
      if (input[idx - 1] === "\\") return exports.escapeLast(input, char, idx - 1);
      return `${input.slice(0, idx)}\\${input.slice(idx)}`;
    };
    exports.removePrefix = (input, state = {}) => {
      let output = input;
      if (output.startsWith("./")) {
        output = output.slice(2);
        state.prefix = "./";
      }
      return output;
    };
    exports.wrapOutput = (input, state = {}, options = {}) => {
      const prepend = options.contains ? "" : "^";
      const append = options.contains ? "" : "$";
      let output = `${prepend}(?:${input})${append}`;
      if (state.negated === true) {
        output = `(?:^(?!${output}).*$)`;
      }
      return output;
    };
    exports.basename = (path4, { windows } = {}) => {
      const segs = path4.split(windows ? /[\\/]/ : "/");
      const last = segs[segs.length - 1];
      if (last === "") {
        return segs[segs.length - 2];
      }
      return last;
    };
  }
});

// node_modules/picomatch/lib/scan.js
var require_scan = __commonJS({
  "node_modules/picomatch/lib/scan.js"(exports, module) {
    "use strict";
    var utils = require_utils();
    var {
      CHAR_ASTERISK,
      /* * */
      CHAR_AT,
      /* @ */
      CHAR_BACKWARD_SLASH,
      /* \ */
      CHAR_COMMA,
      /* , */
      CHAR_DOT,
      /* . */
      CHAR_EXCLAMATION_MARK,
      /* ! */
      CHAR_FORWARD_SLASH,
      /* / */
      CHAR_LEFT_CURLY_BRACE,
      /* { */
      CHAR_LEFT_PARENTHESES,
      /* ( */
      CHAR_LEFT_SQUARE_BRACKET,
      /* [ */
      CHAR_PLUS,
      /* + */
      CHAR_QUESTION_MARK,
      /* ? */
      CHAR_RIGHT_CURLY_BRACE,
      /* } */
      CHAR_RIGHT_PARENTHESES,
      /* ) */
      CHAR_RIGHT_SQUARE_BRACKET
      /* ] */
    } = require_constants();
    var isPathSeparator = (code) => {
      return code === CHAR_FORWARD_SLASH || code === CHAR_BACKWARD_SLASH;
    };
    var depth = (token) => {
      if (token.isPrefix !== true) {
        token.depth = token.isGlobstar ? Infinity : 1;
      }
    };
    var scan = (input, options) => {
      const opts = options || {};
      const length = input.length - 1;
      const scanToEnd = opts.parts === true || opts.tokens === true || opts.scanToEnd === true;
      const slashes = [];
      const tokens = [];
      const parts = [];
      let str = input;
      let index = -1;
      let start = 0;
      let lastIndex = 0;
      let isBrace = false;
      let isBracket = false;
      let isGlob = false;
      let isExtglob = false;
      let isGlobstar = false;
      let braceEscaped = false;
      let backslashes = false;
      let negated = false;
      let negatedExtglob = false;
      let finished = false;
      let braces = 0;
      let prev;
      let code;
      let token = { value: "", depth: 0, isGlob: false };
      const eos = () => index >= length;
      const peek = () => str.charCodeAt(index + 1);
      const advance = () => {
        prev = code;
        return str.charCodeAt(++index);
      };
      while (index < length) {
        code = advance();
        let next;
        if (code === CHAR_BACKWARD_SLASH) {
          backslashes = token.backslashes = true;
          code = advance();
          if (code === CHAR_LEFT_CURLY_BRACE) {
            braceEscaped = true;
          }
          continue;
        }
        if (braceEscaped === true || code === CHAR_LEFT_CURLY_BRACE) {
          braces++;
          while (eos() !== true && (code = advance())) {
            if (code === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (code === CHAR_LEFT_CURLY_BRACE) {
              braces++;
              continue;
            }
            if (braceEscaped !== true && code === CHAR_DOT && (code = advance()) === CHAR_DOT) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (braceEscaped !== true && code === CHAR_COMMA) {
              isBrace = token.isBrace = true;
              isGlob = token.isGlob = true;
              finished = true;
              if (scanToEnd === true) {
                continue;
              }
              break;
            }
            if (code === CHAR_RIGHT_CURLY_BRACE) {
              braces--;
              if (braces === 0) {
                braceEscaped = false;
                isBrace = token.isBrace = true;
                finished = true;
                break;
              }
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_FORWARD_SLASH) {
          slashes.push(index);
          tokens.push(token);
          token = { value: "", depth: 0, isGlob: false };
          if (finished === true) continue;
          if (prev === CHAR_DOT && index === start + 1) {
            start += 2;
            continue;
          }
          lastIndex = index + 1;
          continue;
        }
        if (opts.noext !== true) {
          const isExtglobChar = code === CHAR_PLUS || code === CHAR_AT || code === CHAR_ASTERISK || code === CHAR_QUESTION_MARK || code === CHAR_EXCLAMATION_MARK;
          if (isExtglobChar === true && peek() === CHAR_LEFT_PARENTHESES) {
            isGlob = token.isGlob = true;
            isExtglob = token.isExtglob = true;
            finished = true;
            if (code === CHAR_EXCLAMATION_MARK && index === start) {
              negatedExtglob = true;
            }
            if (scanToEnd === true) {
              let parens = 0;
              while (eos() !== true && (code = advance())) {
                if (code === CHAR_BACKWARD_SLASH) {
                  backslashes = token.backslashes = true;
                  advance();
                  continue;
                }
                if (code === CHAR_LEFT_PARENTHESES) {
                  parens++;
                  continue;
                }
                if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                  finished = true;
                  break;
                }
              }
              continue;
            }
            break;
          }
        }
        if (code === CHAR_ASTERISK) {
          if (prev === CHAR_ASTERISK) isGlobstar = token.isGlobstar = true;
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_QUESTION_MARK) {
          isGlob = token.isGlob = true;
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (code === CHAR_LEFT_SQUARE_BRACKET) {
          while (eos() !== true && (next = advance())) {
            if (next === CHAR_BACKWARD_SLASH) {
              backslashes = token.backslashes = true;
              advance();
              continue;
            }
            if (next === CHAR_RIGHT_SQUARE_BRACKET) {
              isBracket = token.isBracket = true;
              isGlob = token.isGlob = true;
              finished = true;
              break;
            }
          }
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
        if (opts.nonegate !== true && code === CHAR_EXCLAMATION_MARK && index === start) {
          negated = token.negated = true;
          start++;
          continue;
        }
        if (opts.noparen !== true && code === CHAR_LEFT_PARENTHESES) {
          isGlob = token.isGlob = true;
          if (scanToEnd === true) {
            let parens = 1;
            while (eos() !== true && (code = advance())) {
              if (code === CHAR_BACKWARD_SLASH) {
                backslashes = token.backslashes = true;
                advance();
                continue;
              }
              if (code === CHAR_LEFT_PARENTHESES) {
                parens++;
                continue;
              }
              if (code === CHAR_RIGHT_PARENTHESES && --parens === 0) {
                finished = true;
                break;
              }
            }
            continue;
          }
          break;
        }
        if (isGlob === true) {
          finished = true;
          if (scanToEnd === true) {
            continue;
          }
          break;
        }
      }
      if (opts.noext === true) {
        isExtglob = false;
        isGlob = false;
      }
      let base = str;
      let prefix = "";
      let glob2 = "";
      if (start > 0) {
        prefix = str.slice(0, start);
        str = str.slice(start);
        lastIndex -= start;
      }
      if (base && isGlob === true && lastIndex > 0) {
        base = str.slice(0, lastIndex);
        glob2 = str.slice(lastIndex);
      } else if (isGlob === true) {
        base = "";
        glob2 = str;
      } else {
        base = str;
      }
      if (base && base !== "" && base !== "/" && base !== str) {
        if (isPathSeparator(base.charCodeAt(base.length - 1))) {
          base = base.slice(0, -1);
        }
      }
      if (opts.unescape === true) {
        if (glob2) glob2 = utils.removeBackslashes(glob2);
        if (base && backslashes === true) {
          base = utils.removeBackslashes(base);
        }
      }
      const state = {
        prefix,
        input,
        start,
        base,
        glob: glob2,
        isBrace,
        isBracket,
        isGlob,
        isExtglob,
        isGlobstar,
        negated,
        negatedExtglob
      };
      if (opts.tokens === true) {
        state.maxDepth = 0;
        if (!isPathSeparator(code)) {
          tokens.push(token);
        }
        state.tokens = tokens;
      }
      if (opts.parts === true || opts.tokens === true) {
        let prevIndex;
        for (let idx = 0; idx < slashes.length; idx++) {
          const n2 = prevIndex !== void 0 ? prevIndex + 1 : start;
          const i = slashes[idx];
          const value2 = input.slice(n2, i);
          if (opts.tokens) {
            if (idx === 0 && start !== 0) {
              tokens[idx].isPrefix = true;
              tokens[idx].value = prefix;
            } else {
              tokens[idx].value = value2;
            }
            depth(tokens[idx]);
            state.maxDepth += tokens[idx].depth;
          }
          if (i >= start) {
            parts.push(value2);
            prevIndex = i;
          }
        }
        const n = prevIndex !== void 0 ? prevIndex + 1 : start;
        const value = input.slice(n);
        parts.push(value);
        if (opts.tokens && prevIndex && prevIndex + 1 < input.length) {
          tokens[tokens.length - 1].value = value;
          depth(tokens[tokens.length - 1]);
          state.maxDepth += tokens[tokens.length - 1].depth;
        }
        state.slashes = slashes;
        state.parts = parts;
      }
      return state;
    };
    module.exports = scan;
  }
});

// node_modules/picomatch/lib/parse.js
var require_parse = __commonJS({
  "node_modules/picomatch/lib/parse.js"(exports, module) {
    "use strict";
    var constants = require_constants();
    var utils = require_utils();
    var {
      MAX_LENGTH,
      POSIX_REGEX_SOURCE,
      REGEX_NON_SPECIAL_CHARS,
      REGEX_SPECIAL_CHARS_BACKREF,
      REPLACEMENTS
    } = constants;
    var expandRange = (args, options) => {
      if (typeof options.expandRange === "function") {
        return options.expandRange(...args, options);
      }
      args.sort();
      const value = `[${args.join("-")}]`;
      try {
        new RegExp(value);
      } catch (ex) {
        return args.map((v) => utils.escapeRegex(v)).join("..");
      }
      return value;
    };
    var syntaxError = (type, char) => {
      return `Missing ${type}: "${char}" - use "\\\\${char}" to match literal characters`;
    };
    var splitTopLevel = (input) => {
      const parts = [];
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let value = "";
      let escaped = false;
      for (const ch of input) {
        if (escaped === true) {
          value += ch;
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          value += ch;
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          value += ch;
          continue;
        }
        if (quote === 0) {
          if (ch === "[") {
            bracket++;
          } else if (ch === "]" && bracket > 0) {
            bracket--;
          } else if (bracket === 0) {
            if (ch === "(") {
              paren++;
            } else if (ch === ")" && paren > 0) {
              paren--;
            } else if (ch === "|" && paren === 0) {
              parts.push(value);
              value = "";
              continue;
            }
          }
        }
        value += ch;
      }
      parts.push(value);
      return parts;
    };
    var isPlainBranch = (branch) => {
      let escaped = false;
      for (const ch of branch) {
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (/[?*+@!()[\]{}]/.test(ch)) {
          return false;
        }
      }
      return true;
    };
    var normalizeSimpleBranch = (branch) => {
      let value = branch.trim();
      let changed = true;
      while (changed === true) {
        changed = false;
        if (/^@\([^\\()[\]{}|]+\)$/.test(value)) {
          value = value.slice(2, -1);
          changed = true;
        }
      }
      if (!isPlainBranch(value)) {
        return;
      }
      return value.replace(/\\(.)/g, "$1");
    };
    var hasRepeatedCharPrefixOverlap = (branches) => {
      const values = branches.map(normalizeSimpleBranch).filter(Boolean);
      for (let i = 0; i < values.length; i++) {
        for (let j = i + 1; j < values.length; j++) {
          const a = values[i];
          const b = values[j];
          const char = a[0];
          if (!char || a !== char.repeat(a.length) || b !== char.repeat(b.length)) {
            continue;
          }
          if (a === b || a.startsWith(b) || b.startsWith(a)) {
            return true;
          }
        }
      }
      return false;
    };
    var parseRepeatedExtglob = (pattern, requireEnd = true) => {
      if (pattern[0] !== "+" && pattern[0] !== "*" || pattern[1] !== "(") {
        return;
      }
      let bracket = 0;
      let paren = 0;
      let quote = 0;
      let escaped = false;
      for (let i = 1; i < pattern.length; i++) {
        const ch = pattern[i];
        if (escaped === true) {
          escaped = false;
          continue;
        }
        if (ch === "\\") {
          escaped = true;
          continue;
        }
        if (ch === '"') {
          quote = quote === 1 ? 0 : 1;
          continue;
        }
        if (quote === 1) {
          continue;
        }
        if (ch === "[") {
          bracket++;
          continue;
        }
        if (ch === "]" && bracket > 0) {
          bracket--;
          continue;
        }
        if (bracket > 0) {
          continue;
        }
        if (ch === "(") {
          paren++;
          continue;
        }
        if (ch === ")") {
          paren--;
          if (paren === 0) {
            if (requireEnd === true && i !== pattern.length - 1) {
              return;
            }
            return {
              type: pattern[0],
              body: pattern.slice(2, i),
              end: i
            };
          }
        }
      }
    };
    var buildCharClassStar = (chars) => {
      const source = chars.length === 1 ? utils.escapeRegex(chars[0]) : `[${chars.map((ch) => utils.escapeRegex(ch)).join("")}]`;
      return `${source}*`;
    };
    var getStarExtglobSequenceChars = (pattern) => {
      let index = 0;
      const chars = [];
      while (index < pattern.length) {
        const match = parseRepeatedExtglob(pattern.slice(index), false);
        if (!match || match.type !== "*") {
          return;
        }
        const branches = splitTopLevel(match.body).map((branch2) => branch2.trim());
        if (branches.length !== 1) {
          return;
        }
        const branch = normalizeSimpleBranch(branches[0]);
        if (!branch || branch.length !== 1) {
          return;
        }
        chars.push(branch);
        index += match.end + 1;
      }
      if (chars.length < 1) {
        return;
      }
      return chars;
    };
    var repeatedExtglobRecursion = (pattern) => {
      let depth = 0;
      let value = pattern.trim();
      let match = parseRepeatedExtglob(value);
      while (match) {
        depth++;
        value = match.body.trim();
        match = parseRepeatedExtglob(value);
      }
      return depth;
    };
    var analyzeRepeatedExtglob = (body, options) => {
      if (options.maxExtglobRecursion === false) {
        return { risky: false };
      }
      const max = typeof options.maxExtglobRecursion === "number" ? options.maxExtglobRecursion : constants.DEFAULT_MAX_EXTGLOB_RECURSION;
      const branches = splitTopLevel(body).map((branch) => branch.trim());
      if (branches.length > 1) {
        if (branches.some((branch) => branch === "") || branches.some((branch) => /^[*?]+$/.test(branch)) || hasRepeatedCharPrefixOverlap(branches)) {
          return { risky: true };
        }
      }
      const safeChars = [];
      let sawStarSequence = false;
      let combinable = true;
      for (const branch of branches) {
        const chars = getStarExtglobSequenceChars(branch);
        if (chars) {
          sawStarSequence = true;
          safeChars.push(...chars);
          continue;
        }
        const literal = normalizeSimpleBranch(branch);
        if (literal && literal.length === 1) {
          safeChars.push(literal);
          continue;
        }
        combinable = false;
        if (repeatedExtglobRecursion(branch) > max) {
          return { risky: true };
        }
      }
      if (sawStarSequence) {
        return combinable ? { risky: true, safeOutput: buildCharClassStar([...new Set(safeChars)]) } : { risky: true };
      }
      return { risky: false };
    };
    var parse = (input, options) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected a string");
      }
      input = REPLACEMENTS[input] || input;
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      let len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      const bos = { type: "bos", value: "", output: opts.prepend || "" };
      const tokens = [bos];
      const capture = opts.capture ? "" : "?:";
      const PLATFORM_CHARS = constants.globChars(opts.windows);
      const EXTGLOB_CHARS = constants.extglobChars(PLATFORM_CHARS);
      const {
        DOT_LITERAL,
        PLUS_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOT_SLASH,
        NO_DOTS_SLASH,
        QMARK,
        QMARK_NO_DOT,
        STAR,
        START_ANCHOR
      } = PLATFORM_CHARS;
      const globstar = (opts2) => {
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const nodot = opts.dot ? "" : NO_DOT;
      const qmarkNoDot = opts.dot ? QMARK : QMARK_NO_DOT;
      let star = opts.bash === true ? globstar(opts) : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      if (typeof opts.noext === "boolean") {
        opts.noextglob = opts.noext;
      }
      const state = {
        input,
        index: -1,
        start: 0,
        dot: opts.dot === true,
        consumed: "",
        output: "",
        prefix: "",
        backtrack: false,
        negated: false,
        brackets: 0,
        braces: 0,
        parens: 0,
        quotes: 0,
        globstar: false,
        tokens
      };
      input = utils.removePrefix(input, state);
      len = input.length;
      const extglobs = [];
      const braces = [];
      const stack = [];
      let prev = bos;
      let value;
      const eos = () => state.index === len - 1;
      const peek = state.peek = (n = 1) => input[state.index + n];
      const advance = state.advance = () => input[++state.index] || "";
      const remaining = () => input.slice(state.index + 1);
      const consume = (value2 = "", num = 0) => {
        state.consumed += value2;
        state.index += num;
      };
      const append = (token) => {
        state.output += token.output != null ? token.output : token.value;
        consume(token.value);
      };
      const negate = () => {
        let count = 1;
        while (peek() === "!" && (peek(2) !== "(" || peek(3) === "?")) {
          advance();
          state.start++;
          count++;
        }
        if (count % 2 === 0) {
          return false;
        }
        state.negated = true;
        state.start++;
        return true;
      };
      const increment = (type) => {
        state[type]++;
        stack.push(type);
      };
      const decrement = (type) => {
        state[type]--;
        stack.pop();
      };
      const push = (tok) => {
        if (prev.type === "globstar") {
          const isBrace = state.braces > 0 && (tok.type === "comma" || tok.type === "brace");
          const isExtglob = tok.extglob === true || extglobs.length && (tok.type === "pipe" || tok.type === "paren");
          if (tok.type !== "slash" && tok.type !== "paren" && !isBrace && !isExtglob) {
            state.output = state.output.slice(0, -prev.output.length);
            prev.type = "star";
            prev.value = "*";
            prev.output = star;
            state.output += prev.output;
          }
        }
        if (extglobs.length && tok.type !== "paren") {
          extglobs[extglobs.length - 1].inner += tok.value;
        }
        if (tok.value || tok.output) append(tok);
        if (prev && prev.type === "text" && tok.type === "text") {
          prev.output = (prev.output || prev.value) + tok.value;
          prev.value += tok.value;
          return;
        }
        tok.prev = prev;
        tokens.push(tok);
        prev = tok;
      };
      const extglobOpen = (type, value2) => {
        const token = { ...EXTGLOB_CHARS[value2], conditions: 1, inner: "" };
        token.prev = prev;
        token.parens = state.parens;
        token.output = state.output;
        token.startIndex = state.index;
        token.tokensIndex = tokens.length;
        const output = (opts.capture ? "(" : "") + token.open;
        increment("parens");
        push({ type, value: value2, output: state.output ? "" : ONE_CHAR });
        push({ type: "paren", extglob: true, value: advance(), output });
        extglobs.push(token);
      };
      const extglobClose = (token) => {
        const literal = input.slice(token.startIndex, state.index + 1);
        const body = input.slice(token.startIndex + 2, state.index);
        const analysis = analyzeRepeatedExtglob(body, opts);
        if ((token.type === "plus" || token.type === "star") && analysis.risky) {
          const safeOutput = analysis.safeOutput ? (token.output ? "" : ONE_CHAR) + (opts.capture ? `(${analysis.safeOutput})` : analysis.safeOutput) : void 0;
          const open = tokens[token.tokensIndex];
          open.type = "text";
          open.value = literal;
          open.output = safeOutput || utils.escapeRegex(literal);
          for (let i = token.tokensIndex + 1; i < tokens.length; i++) {
            tokens[i].value = "";
            tokens[i].output = "";
            delete tokens[i].suffix;
          }
          state.output = token.output + open.output;
          state.backtrack = true;
          push({ type: "paren", extglob: true, value, output: "" });
          decrement("parens");
          return;
        }
        let output = token.close + (opts.capture ? ")" : "");
        let rest;
        if (token.type === "negate") {
          let extglobStar = star;
          if (token.inner && token.inner.length > 1 && token.inner.includes("/")) {
            extglobStar = globstar(opts);
          }
          if (extglobStar !== star || eos() || /^\)+$/.test(remaining())) {
            output = token.close = `)$))${extglobStar}`;
          }
          if (token.inner.includes("*") && (rest = remaining()) && /^\.[^\\/.]+$/.test(rest)) {
            const expression = parse(rest, { ...options, fastpaths: false }).output;
            output = token.close = `)${expression})${extglobStar})`;
          }
          if (token.prev.type === "bos") {
            state.negatedExtglob = true;
          }
        }
        push({ type: "paren", extglob: true, value, output });
        decrement("parens");
      };
      if (opts.fastpaths !== false && !/(^[*!]|[/()[\]{}"])/.test(input)) {
        let backslashes = false;
        let output = input.replace(REGEX_SPECIAL_CHARS_BACKREF, (m, esc, chars, first, rest, index) => {
          if (first === "\\") {
            backslashes = true;
            return m;
          }
          if (first === "?") {
            if (esc) {
              return esc + first + (rest ? QMARK.repeat(rest.length) : "");
            }
            if (index === 0) {
              return qmarkNoDot + (rest ? QMARK.repeat(rest.length) : "");
            }
            return QMARK.repeat(chars.length);
          }
          if (first === ".") {
            return DOT_LITERAL.repeat(chars.length);
          }
          if (first === "*") {
            if (esc) {
              return esc + first + (rest ? star : "");
            }
            return star;
          }
          return esc ? m : `\\${m}`;
        });
        if (backslashes === true) {
          if (opts.unescape === true) {
            output = output.replace(/\\/g, "");
          } else {
            output = output.replace(/\\+/g, (m) => {
              return m.length % 2 === 0 ? "\\\\" : m ? "\\" : "";
            });
          }
        }
        if (output === input && opts.contains === true) {
          state.output = input;
          return state;
        }
        state.output = utils.wrapOutput(output, state, options);
        return state;
      }
      while (!eos()) {
        value = advance();
        if (value === "\0") {
          continue;
        }
        if (value === "\\") {
          const next = peek();
          if (next === "/" && opts.bash !== true) {
            continue;
          }
          if (next === "." || next === ";") {
            continue;
          }
          if (!next) {
            value += "\\";
            push({ type: "text", value });
            continue;
          }
          const match = /^\\+/.exec(remaining());
          let slashes = 0;
          if (match && match[0].length > 2) {
            slashes = match[0].length;
            state.index += slashes;
            if (slashes % 2 !== 0) {
              value += "\\";
            }
          }
          if (opts.unescape === true) {
            value = advance();
          } else {
            value += advance();
          }
          if (state.brackets === 0) {
            push({ type: "text", value });
            continue;
          }
        }
        if (state.brackets > 0 && (value !== "]" || prev.value === "[" || prev.value === "[^")) {
          if (opts.posix !== false && value === ":") {
            const inner = prev.value.slice(1);
            if (inner.includes("[")) {
              prev.posix = true;
              if (inner.includes(":")) {
                const idx = prev.value.lastIndexOf("[");
                const pre = prev.value.slice(0, idx);
                const rest2 = prev.value.slice(idx + 2);
                const posix2 = POSIX_REGEX_SOURCE[rest2];
                if (posix2) {
                  prev.value = pre + posix2;
                  state.backtrack = true;
                  advance();
                  if (!bos.output && tokens.indexOf(prev) === 1) {
                    bos.output = ONE_CHAR;
                  }
                  continue;
                }
              }
            }
          }
          if (value === "[" && peek() !== ":" || value === "-" && peek() === "]") {
            value = `\\${value}`;
          }
          if (value === "]" && (prev.value === "[" || prev.value === "[^")) {
            value = `\\${value}`;
          }
          if (opts.posix === true && value === "!" && prev.value === "[") {
            value = "^";
          }
          prev.value += value;
          append({ value });
          continue;
        }
        if (state.quotes === 1 && value !== '"') {
          value = utils.escapeRegex(value);
          prev.value += value;
          append({ value });
          continue;
        }
        if (value === '"') {
          state.quotes = state.quotes === 1 ? 0 : 1;
          if (opts.keepQuotes === true) {
            push({ type: "text", value });
          }
          continue;
        }
        if (value === "(") {
          increment("parens");
          push({ type: "paren", value });
          continue;
        }
        if (value === ")") {
          if (state.parens === 0 && opts.strictBrackets === true) {
            throw new SyntaxError(syntaxError("opening", "("));
          }
          const extglob = extglobs[extglobs.length - 1];
          if (extglob && state.parens === extglob.parens + 1) {
            extglobClose(extglobs.pop());
            continue;
          }
          push({ type: "paren", value, output: state.parens ? ")" : "\\)" });
          decrement("parens");
          continue;
        }
        if (value === "[") {
          if (opts.nobracket === true || !remaining().includes("]")) {
            if (opts.nobracket !== true && opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("closing", "]"));
            }
            value = `\\${value}`;
          } else {
            increment("brackets");
          }
          push({ type: "bracket", value });
          continue;
        }
        if (value === "]") {
          if (opts.nobracket === true || prev && prev.type === "bracket" && prev.value.length === 1) {
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          if (state.brackets === 0) {
            if (opts.strictBrackets === true) {
              throw new SyntaxError(syntaxError("opening", "["));
            }
            push({ type: "text", value, output: `\\${value}` });
            continue;
          }
          decrement("brackets");
          const prevValue = prev.value.slice(1);
          if (prev.posix !== true && prevValue[0] === "^" && !prevValue.includes("/")) {
            value = `/${value}`;
          }
          prev.value += value;
          append({ value });
          if (opts.literalBrackets === false || utils.hasRegexChars(prevValue)) {
            continue;
          }
          const escaped = utils.escapeRegex(prev.value);
          state.output = state.output.slice(0, -prev.value.length);
          if (opts.literalBrackets === true) {
            state.output += escaped;
            prev.value = escaped;
            continue;
          }
          prev.value = `(${capture}${escaped}|${prev.value})`;
          state.output += prev.value;
          continue;
        }
        if (value === "{" && opts.nobrace !== true) {
          increment("braces");
          const open = {
            type: "brace",
            value,
            output: "(",
            outputIndex: state.output.length,
            tokensIndex: state.tokens.length
          };
          braces.push(open);
          push(open);
          continue;
        }
        if (value === "}") {
          const brace = braces[braces.length - 1];
          if (opts.nobrace === true || !brace) {
            push({ type: "text", value, output: value });
            continue;
          }
          let output = ")";
          if (brace.dots === true) {
            const arr = tokens.slice();
            const range = [];
            for (let i = arr.length - 1; i >= 0; i--) {
              tokens.pop();
              if (arr[i].type === "brace") {
                break;
              }
              if (arr[i].type !== "dots") {
                range.unshift(arr[i].value);
              }
            }
            output = expandRange(range, opts);
            state.backtrack = true;
          }
          if (brace.comma !== true && brace.dots !== true) {
            const out = state.output.slice(0, brace.outputIndex);
            const toks = state.tokens.slice(brace.tokensIndex);
            brace.value = brace.output = "\\{";
            value = output = "\\}";
            state.output = out;
            for (const t of toks) {
              state.output += t.output || t.value;
            }
          }
          push({ type: "brace", value, output });
          decrement("braces");
          braces.pop();
          continue;
        }
        if (value === "|") {
          if (extglobs.length > 0) {
            extglobs[extglobs.length - 1].conditions++;
          }
          push({ type: "text", value });
          continue;
        }
        if (value === ",") {
          let output = value;
          const brace = braces[braces.length - 1];
          if (brace && stack[stack.length - 1] === "braces") {
            brace.comma = true;
            output = "|";
          }
          push({ type: "comma", value, output });
          continue;
        }
        if (value === "/") {
          if (prev.type === "dot" && state.index === state.start + 1) {
            state.start = state.index + 1;
            state.consumed = "";
            state.output = "";
            tokens.pop();
            prev = bos;
            continue;
          }
          push({ type: "slash", value, output: SLASH_LITERAL });
          continue;
        }
        if (value === ".") {
          if (state.braces > 0 && prev.type === "dot") {
            if (prev.value === ".") prev.output = DOT_LITERAL;
            const brace = braces[braces.length - 1];
            prev.type = "dots";
            prev.output += value;
            prev.value += value;
            brace.dots = true;
            continue;
          }
          if (state.braces + state.parens === 0 && prev.type !== "bos" && prev.type !== "slash") {
            push({ type: "text", value, output: DOT_LITERAL });
            continue;
          }
          push({ type: "dot", value, output: DOT_LITERAL });
          continue;
        }
        if (value === "?") {
          const isGroup = prev && prev.value === "(";
          if (!isGroup && opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("qmark", value);
            continue;
          }
          if (prev && prev.type === "paren") {
            const next = peek();
            let output = value;
            if (prev.value === "(" && !/[!=<:]/.test(next) || next === "<" && !/<([!=]|\w+>)/.test(remaining())) {
              output = `\\${value}`;
            }
            push({ type: "text", value, output });
            continue;
          }
          if (opts.dot !== true && (prev.type === "slash" || prev.type === "bos")) {
            push({ type: "qmark", value, output: QMARK_NO_DOT });
            continue;
          }
          push({ type: "qmark", value, output: QMARK });
          continue;
        }
        if (value === "!") {
          if (opts.noextglob !== true && peek() === "(") {
            if (peek(2) !== "?" || !/[!=<:]/.test(peek(3))) {
              extglobOpen("negate", value);
              continue;
            }
          }
          if (opts.nonegate !== true && state.index === 0) {
            negate();
            continue;
          }
        }
        if (value === "+") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            extglobOpen("plus", value);
            continue;
          }
          if (prev && prev.value === "(" || opts.regex === false) {
            push({ type: "plus", value, output: PLUS_LITERAL });
            continue;
          }
          if (prev && (prev.type === "bracket" || prev.type === "paren" || prev.type === "brace") || state.parens > 0) {
            push({ type: "plus", value });
            continue;
          }
          push({ type: "plus", value: PLUS_LITERAL });
          continue;
        }
        if (value === "@") {
          if (opts.noextglob !== true && peek() === "(" && peek(2) !== "?") {
            push({ type: "at", extglob: true, value, output: "" });
            continue;
          }
          push({ type: "text", value });
          continue;
        }
        if (value !== "*") {
          if (value === "$" || value === "^") {
            value = `\\${value}`;
          }
          const match = REGEX_NON_SPECIAL_CHARS.exec(remaining());
          if (match) {
            value += match[0];
            state.index += match[0].length;
          }
          push({ type: "text", value });
          continue;
        }
        if (prev && (prev.type === "globstar" || prev.star === true)) {
          prev.type = "star";
          prev.star = true;
          prev.value += value;
          prev.output = star;
          state.backtrack = true;
          state.globstar = true;
          consume(value);
          continue;
        }
        let rest = remaining();
        if (opts.noextglob !== true && /^\([^?]/.test(rest)) {
          extglobOpen("star", value);
          continue;
        }
        if (prev.type === "star") {
          if (opts.noglobstar === true) {
            consume(value);
            continue;
          }
          const prior = prev.prev;
          const before = prior.prev;
          const isStart = prior.type === "slash" || prior.type === "bos";
          const afterStar = before && (before.type === "star" || before.type === "globstar");
          if (opts.bash === true && (!isStart || rest[0] && rest[0] !== "/")) {
            push({ type: "star", value, output: "" });
            continue;
          }
          const isBrace = state.braces > 0 && (prior.type === "comma" || prior.type === "brace");
          const isExtglob = extglobs.length && (prior.type === "pipe" || prior.type === "paren");
          if (!isStart && prior.type !== "paren" && !isBrace && !isExtglob) {
            push({ type: "star", value, output: "" });
            continue;
          }
          while (rest.slice(0, 3) === "/**") {
            const after = input[state.index + 4];
            if (after && after !== "/") {
              break;
            }
            rest = rest.slice(3);
            consume("/**", 3);
          }
          const isEnd = eos() || state.parens > 0 && rest === ")".repeat(state.parens) && !extglobs.some((extglob) => extglob.type === "negate");
          if (prior.type === "bos" && eos()) {
            prev.type = "globstar";
            prev.value += value;
            prev.output = globstar(opts);
            state.output = prev.output;
            state.globstar = true;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && !afterStar && isEnd) {
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = globstar(opts) + (opts.strictSlashes ? ")" : "|$)");
            prev.value += value;
            state.globstar = true;
            state.output += prior.output + prev.output;
            consume(value);
            continue;
          }
          if (prior.type === "slash" && prior.prev.type !== "bos" && rest[0] === "/") {
            const end = rest[1] !== void 0 ? "|$" : "";
            state.output = state.output.slice(0, -(prior.output + prev.output).length);
            prior.output = `(?:${prior.output}`;
            prev.type = "globstar";
            prev.output = `${globstar(opts)}${SLASH_LITERAL}|${SLASH_LITERAL}${end})`;
            prev.value += value;
            state.output += prior.output + prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          if (prior.type === "bos" && rest[0] === "/") {
            prev.type = "globstar";
            prev.value += value;
            prev.output = `(?:^|${SLASH_LITERAL}|${globstar(opts)}${SLASH_LITERAL})`;
            state.output = prev.output;
            state.globstar = true;
            consume(value + advance());
            push({ type: "slash", value: "/", output: "" });
            continue;
          }
          state.output = state.output.slice(0, -prev.output.length);
          prev.type = "globstar";
          prev.output = globstar(opts);
          prev.value += value;
          state.output += prev.output;
          state.globstar = true;
          consume(value);
          continue;
        }
        const token = { type: "star", value, output: star };
        if (opts.bash === true) {
          token.output = ".*?";
          if (prev.type === "bos" || prev.type === "slash") {
            token.output = nodot + token.output;
          }
          push(token);
          continue;
        }
        if (prev && (prev.type === "bracket" || prev.type === "paren") && opts.regex === true) {
          token.output = value;
          push(token);
          continue;
        }
        if (state.index === state.start || prev.type === "slash" || prev.type === "dot") {
          if (prev.type === "dot") {
            state.output += NO_DOT_SLASH;
            prev.output += NO_DOT_SLASH;
          } else if (opts.dot === true) {
            state.output += NO_DOTS_SLASH;
            prev.output += NO_DOTS_SLASH;
          } else {
            state.output += nodot;
            prev.output += nodot;
          }
          if (peek() !== "*") {
            state.output += ONE_CHAR;
            prev.output += ONE_CHAR;
          }
        }
        push(token);
      }
      while (state.brackets > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "]"));
        state.output = utils.escapeLast(state.output, "[");
        decrement("brackets");
      }
      while (state.parens > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", ")"));
        state.output = utils.escapeLast(state.output, "(");
        decrement("parens");
      }
      while (state.braces > 0) {
        if (opts.strictBrackets === true) throw new SyntaxError(syntaxError("closing", "}"));
        state.output = utils.escapeLast(state.output, "{");
        decrement("braces");
      }
      if (opts.strictSlashes !== true && (prev.type === "star" || prev.type === "bracket")) {
        push({ type: "maybe_slash", value: "", output: `${SLASH_LITERAL}?` });
      }
      if (state.backtrack === true) {
        state.output = "";
        for (const token of state.tokens) {
          state.output += token.output != null ? token.output : token.value;
          if (token.suffix) {
            state.output += token.suffix;
          }
        }
      }
      return state;
    };
    parse.fastpaths = (input, options) => {
      const opts = { ...options };
      const max = typeof opts.maxLength === "number" ? Math.min(MAX_LENGTH, opts.maxLength) : MAX_LENGTH;
      const len = input.length;
      if (len > max) {
        throw new SyntaxError(`Input length: ${len}, exceeds maximum allowed length: ${max}`);
      }
      input = REPLACEMENTS[input] || input;
      const {
        DOT_LITERAL,
        SLASH_LITERAL,
        ONE_CHAR,
        DOTS_SLASH,
        NO_DOT,
        NO_DOTS,
        NO_DOTS_SLASH,
        STAR,
        START_ANCHOR
      } = constants.globChars(opts.windows);
      const nodot = opts.dot ? NO_DOTS : NO_DOT;
      const slashDot = opts.dot ? NO_DOTS_SLASH : NO_DOT;
      const capture = opts.capture ? "" : "?:";
      const state = { negated: false, prefix: "" };
      let star = opts.bash === true ? ".*?" : STAR;
      if (opts.capture) {
        star = `(${star})`;
      }
      const globstar = (opts2) => {
        if (opts2.noglobstar === true) return star;
        return `(${capture}(?:(?!${START_ANCHOR}${opts2.dot ? DOTS_SLASH : DOT_LITERAL}).)*?)`;
      };
      const create = (str) => {
        switch (str) {
          case "*":
            return `${nodot}${ONE_CHAR}${star}`;
          case ".*":
            return `${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*.*":
            return `${nodot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "*/*":
            return `${nodot}${star}${SLASH_LITERAL}${ONE_CHAR}${slashDot}${star}`;
          case "**":
            return nodot + globstar(opts);
          case "**/*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${ONE_CHAR}${star}`;
          case "**/*.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${slashDot}${star}${DOT_LITERAL}${ONE_CHAR}${star}`;
          case "**/.*":
            return `(?:${nodot}${globstar(opts)}${SLASH_LITERAL})?${DOT_LITERAL}${ONE_CHAR}${star}`;
          default: {
            const match = /^(.*?)\.(\w+)$/.exec(str);
            if (!match) return;
            const source2 = create(match[1]);
            if (!source2) return;
            return source2 + DOT_LITERAL + match[2];
          }
        }
      };
      const output = utils.removePrefix(input, state);
      let source = create(output);
      if (source && opts.strictSlashes !== true) {
        source += `${SLASH_LITERAL}?`;
      }
      return source;
    };
    module.exports = parse;
  }
});

// node_modules/picomatch/lib/picomatch.js
var require_picomatch = __commonJS({
  "node_modules/picomatch/lib/picomatch.js"(exports, module) {
    "use strict";
    var scan = require_scan();
    var parse = require_parse();
    var utils = require_utils();
    var constants = require_constants();
    var isObject = (val) => val && typeof val === "object" && !Array.isArray(val);
    var picomatch2 = (glob2, options, returnState = false) => {
      if (Array.isArray(glob2)) {
        const fns = glob2.map((input) => picomatch2(input, options, returnState));
        const arrayMatcher = (str) => {
          for (const isMatch of fns) {
            const state2 = isMatch(str);
            if (state2) return state2;
          }
          return false;
        };
        return arrayMatcher;
      }
      const isState = isObject(glob2) && glob2.tokens && glob2.input;
      if (glob2 === "" || typeof glob2 !== "string" && !isState) {
        throw new TypeError("Expected pattern to be a non-empty string");
      }
      const opts = options || {};
      const posix2 = opts.windows;
      const regex = isState ? picomatch2.compileRe(glob2, options) : picomatch2.makeRe(glob2, options, false, true);
      const state = regex.state;
      delete regex.state;
      let isIgnored = () => false;
      if (opts.ignore) {
        const ignoreOpts = { ...options, ignore: null, onMatch: null, onResult: null };
        isIgnored = picomatch2(opts.ignore, ignoreOpts, returnState);
      }
      const matcher = (input, returnObject = false) => {
        const { isMatch, match, output } = picomatch2.test(input, regex, options, { glob: glob2, posix: posix2 });
        const result = { glob: glob2, state, regex, posix: posix2, input, output, match, isMatch };
        if (typeof opts.onResult === "function") {
          opts.onResult(result);
        }
        if (isMatch === false) {
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (isIgnored(input)) {
          if (typeof opts.onIgnore === "function") {
            opts.onIgnore(result);
          }
          result.isMatch = false;
          return returnObject ? result : false;
        }
        if (typeof opts.onMatch === "function") {
          opts.onMatch(result);
        }
        return returnObject ? result : true;
      };
      if (returnState) {
        matcher.state = state;
      }
      return matcher;
    };
    picomatch2.test = (input, regex, options, { glob: glob2, posix: posix2 } = {}) => {
      if (typeof input !== "string") {
        throw new TypeError("Expected input to be a string");
      }
      if (input === "") {
        return { isMatch: false, output: "" };
      }
      const opts = options || {};
      const format = opts.format || (posix2 ? utils.toPosixSlashes : null);
      let match = input === glob2;
      let output = match && format ? format(input) : input;
      if (match === false) {
        output = format ? format(input) : input;
        match = output === glob2;
      }
      if (match === false || opts.capture === true) {
        if (opts.matchBase === true || opts.basename === true) {
          match = picomatch2.matchBase(input, regex, options, posix2);
        } else {
          match = regex.exec(output);
        }
      }
      return { isMatch: Boolean(match), match, output };
    };
    picomatch2.matchBase = (input, glob2, options, posix2 = options && options.windows) => {
      const regex = glob2 instanceof RegExp ? glob2 : picomatch2.makeRe(glob2, options);
      return regex.test(utils.basename(input, { windows: posix2 }));
    };
    picomatch2.isMatch = (str, patterns, options) => picomatch2(patterns, options)(str);
    picomatch2.parse = (pattern, options) => {
      if (Array.isArray(pattern)) return pattern.map((p) => picomatch2.parse(p, options));
      return parse(pattern, { ...options, fastpaths: false });
    };
    picomatch2.scan = (input, options) => scan(input, options);
    picomatch2.compileRe = (state, options, returnOutput = false, returnState = false) => {
      if (returnOutput === true) {
        return state.output;
      }
      const opts = options || {};
      const prepend = opts.contains ? "" : "^";
      const append = opts.contains ? "" : "$";
      let source = `${prepend}(?:${state.output})${append}`;
      if (state && state.negated === true) {
        source = `^(?!${source}).*$`;
      }
      const regex = picomatch2.toRegex(source, options);
      if (returnState === true) {
        regex.state = state;
      }
      return regex;
    };
    picomatch2.makeRe = (input, options = {}, returnOutput = false, returnState = false) => {
      if (!input || typeof input !== "string") {
        throw new TypeError("Expected a non-empty string");
      }
      let parsed = { negated: false, fastpaths: true };
      if (options.fastpaths !== false && (input[0] === "." || input[0] === "*")) {
        parsed.output = parse.fastpaths(input, options);
      }
      if (!parsed.output) {
        parsed = parse(input, options);
      }
      return picomatch2.compileRe(parsed, options, returnOutput, returnState);
    };
    picomatch2.toRegex = (source, options) => {
      try {
        const opts = options || {};
        return new RegExp(source, opts.flags || (opts.nocase ? "i" : ""));
      } catch (err) {
        if (options && options.debug === true) throw err;
        return /$^/;
      }
    };
    picomatch2.constants = constants;
    module.exports = picomatch2;
  }
});

// node_modules/picomatch/index.js
var require_picomatch2 = __commonJS({
  "node_modules/picomatch/index.js"(exports, module) {
    "use strict";
    var pico = require_picomatch();
    var utils = require_utils();
    function picomatch2(glob2, options, returnState = false) {
      if (options && (options.windows === null || options.windows === void 0)) {
        options = { ...options, windows: utils.isWindows() };
      }
      return pico(glob2, options, returnState);
    }
    Object.assign(picomatch2, pico);
    module.exports = picomatch2;
  }
});

// src/engine/actions/plan.ts
async function planRelease(deps) {
  const { config, cluster } = deps;
  const manifests = deps.manifests;
  if (!manifests) throw new Error("action 'plan' needs the 'manifests' input");
  const name = releaseName(config, manifests);
  const live = await readLive(
    cluster,
    manifests.workloads.map((w) => w.object)
  );
  const plan = strategyFor(config.strategy).plan(config, manifests, { workloads: live });
  const overrides = new Map(manifests.workloads.map((w, i) => [w, plan.workloads[i]]));
  const results = await dryRunAll(cluster, manifests.objects, overrides);
  const changes = [];
  for (const { source, result } of results) {
    const desired = result ?? overrides.get(source) ?? source.object;
    const current = await cluster.get(refOf(desired));
    const base = {
      kind: desired.kind,
      name: desired.metadata.name ?? "",
      namespace: desired.metadata.namespace ?? ""
    };
    if (!current) {
      changes.push({ ...base, change: "added", details: describeAdded(desired) });
    } else if (isUnchanged(current, desired)) {
      changes.push({ ...base, change: "unchanged", details: [] });
    } else {
      changes.push({ ...base, change: "changed", details: describeChanges(current, desired) });
    }
  }
  const previous = await loadReleaseState(cluster, config.namespace, name).catch(() => void 0);
  const keys = new Set(manifests.objects.map((o) => workloadKey(o.object)));
  for (const old of previous?.state.rendered ?? []) {
    if (!keys.has(workloadKey(old))) {
      changes.push({
        kind: old.kind,
        name: old.metadata.name ?? "",
        namespace: old.metadata.namespace ?? "",
        change: "removed",
        details: ["no longer in the manifests (kube-rollout leaves it in the cluster)"]
      });
    }
  }
  const firstLive = live.get(workloadKey(manifests.workloads[0].object));
  const from = versionOf(firstLive, config.versionLabel);
  return {
    name,
    strategy: config.strategy,
    ...from !== void 0 ? { fromVersion: from } : {},
    toVersion: manifests.version,
    changes,
    steps: plan.steps.map((s) => stepLabel(s))
  };
}
function describeAdded(obj2) {
  const spec = specOf(obj2);
  const images = [...spec?.template?.spec?.containers ?? []].map((c) => `image ${c.name}: ${c.image}`);
  if (spec?.replicas !== void 0) images.push(`replicas: ${spec.replicas}`);
  return images;
}

// src/argo/rollout.ts
var SHARED_SPEC_FIELDS = [
  "replicas",
  "selector",
  "template",
  "minReadySeconds",
  "revisionHistoryLimit",
  "progressDeadlineSeconds"
];
function deploymentOf(src) {
  const rollout = src.sourced.object;
  const spec = view(rollout).spec ?? {};
  if (!spec.template)
    src.fail(["spec"], "spec.template is required (a Rollout with workloadRef is not supported)");
  if (!spec.selector) src.fail(["spec"], "spec.selector is required");
  if (spec.paused === true)
    src.fail(
      ["spec", "paused"],
      "paused: true is not supported: pause with a `pause: {}` step (or blue-green autoPromotionEnabled: false)"
    );
  const { name, namespace, labels, annotations } = rollout.metadata;
  const deploymentSpec = {};
  for (const key of SHARED_SPEC_FIELDS)
    if (spec[key] !== void 0) deploymentSpec[key] = structuredClone(spec[key]);
  const canary = spec.strategy?.canary;
  if (canary && (canary.maxSurge !== void 0 || canary.maxUnavailable !== void 0)) {
    deploymentSpec.strategy = {
      type: "RollingUpdate",
      rollingUpdate: {
        ...canary.maxSurge !== void 0 ? { maxSurge: canary.maxSurge } : {},
        ...canary.maxUnavailable !== void 0 ? { maxUnavailable: canary.maxUnavailable } : {}
      }
    };
  }
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name,
      ...namespace ? { namespace } : {},
      ...labels ? { labels: { ...labels } } : {},
      ...annotations ? { annotations: { ...annotations } } : {}
    },
    spec: deploymentSpec
  };
}

// src/argo/schema.ts
var LEAF = {};
var OPEN = { open: true };
var obj = (fields, marks = {}) => ({
  fields,
  ...marks
});
var list = (items, marks = {}) => ({ items, ...marks });
var refuse = (reason) => ({ refuse: reason, open: true });
var ignore = (note) => ({ ignore: note, open: true });
var ANALYSIS_RUN_METADATA = ignore(
  "analysisRunMetadata labels an AnalysisRun; kube-rollout creates none (results go to the report)"
);
var MEASUREMENT_RETENTION = ignore("measurementRetention: every measurement is kept in the release record");
var ARGUMENT_VALUE_FROM = obj({
  podTemplateHashValue: LEAF,
  fieldRef: obj({ fieldPath: LEAF })
});
var ROLLOUT_ANALYSIS_FIELDS = {
  templates: list(obj({ templateName: LEAF, clusterScope: LEAF })),
  // The single-template form of older Argo releases: read as templates: [{templateName}].
  templateName: LEAF,
  args: list(obj({ name: LEAF, value: LEAF, valueFrom: ARGUMENT_VALUE_FROM })),
  dryRun: list(obj({ metricName: LEAF })),
  measurementRetention: MEASUREMENT_RETENTION,
  analysisRunMetadata: ANALYSIS_RUN_METADATA
};
var ROLLOUT_ANALYSIS = obj(ROLLOUT_ANALYSIS_FIELDS);
var STRING_MATCH = obj({ exact: LEAF, prefix: LEAF, regex: LEAF });
var CANARY_STEP = obj({
  setWeight: LEAF,
  pause: obj({ duration: LEAF }),
  analysis: ROLLOUT_ANALYSIS,
  setCanaryScale: obj({ weight: LEAF, replicas: LEAF, matchTrafficWeight: LEAF }),
  setHeaderRoute: obj({ name: LEAF, match: list(obj({ headerName: LEAF, headerValue: STRING_MATCH })) }),
  experiment: refuse("experiments (extra ReplicaSets beside the canary) are not supported"),
  setMirrorRoute: refuse("mirrored traffic is not supported by any router of kube-rollout"),
  plugin: refuse("step plugins run inside the Argo controller")
});
var NO_MESH = (name) => refuse(`kube-rollout does not route traffic through ${name} (it routes nginx, istio and smi)`);
var TRAFFIC_ROUTING = obj({
  nginx: obj({
    stableIngress: LEAF,
    stableIngresses: list(LEAF),
    annotationPrefix: LEAF,
    additionalIngressAnnotations: refuse(
      "extra annotations on the canary Ingress are not supported (use a header route step for canary-by-header)"
    ),
    canaryIngressAnnotations: refuse("extra annotations on the canary Ingress are not supported")
  }),
  istio: obj({
    virtualService: obj({ name: LEAF, routes: list(LEAF), tlsRoutes: OPEN, tcpRoutes: OPEN }),
    virtualServices: list(obj({ name: LEAF, routes: list(LEAF), tlsRoutes: OPEN, tcpRoutes: OPEN })),
    destinationRule: obj({ name: LEAF, canarySubsetName: LEAF, stableSubsetName: LEAF })
  }),
  smi: obj({ rootService: LEAF, trafficSplitName: LEAF }),
  alb: NO_MESH("the AWS Load Balancer Controller"),
  ambassador: NO_MESH("Ambassador"),
  appMesh: NO_MESH("AWS App Mesh"),
  traefik: NO_MESH("Traefik"),
  apisix: NO_MESH("APISIX"),
  plugins: refuse("traffic router plugins run inside the Argo controller"),
  managedRoutes: list(obj({ name: LEAF })),
  maxTrafficWeight: LEAF
});
var ANTI_AFFINITY = refuse(
  "anti-affinity between the versions is not added; set affinity in the pod template instead"
);
var CANARY = obj({
  canaryService: LEAF,
  stableService: LEAF,
  steps: list(CANARY_STEP),
  trafficRouting: TRAFFIC_ROUTING,
  maxUnavailable: LEAF,
  maxSurge: LEAF,
  analysis: obj({ ...ROLLOUT_ANALYSIS_FIELDS, startingStep: LEAF }),
  antiAffinity: ANTI_AFFINITY,
  canaryMetadata: refuse("labels and annotations only on canary pods are not supported"),
  stableMetadata: refuse("labels and annotations only on stable pods are not supported"),
  scaleDownDelaySeconds: LEAF,
  scaleDownDelayRevisionLimit: ignore("scaleDownDelayRevisionLimit: the copy is removed after promotion"),
  abortScaleDownDelaySeconds: ignore("abortScaleDownDelaySeconds: a rollback removes the copy at once"),
  dynamicStableScale: LEAF,
  pingPong: refuse(
    "ping-pong Services are not supported (the Service pair is <service> and <service>-canary)"
  ),
  minPodsPerReplicaSet: refuse("minPodsPerReplicaSet is not supported"),
  replicaProgressThreshold: refuse("replicaProgressThreshold is not supported: every new pod must be ready")
});
var BLUE_GREEN = obj({
  activeService: LEAF,
  previewService: LEAF,
  previewReplicaCount: refuse("the new version always runs at full size before the switch"),
  autoPromotionEnabled: LEAF,
  autoPromotionSeconds: LEAF,
  maxUnavailable: ignore("blueGreen.maxUnavailable: the new version runs beside the old one at full size"),
  scaleDownDelaySeconds: LEAF,
  scaleDownDelayRevisionLimit: ignore(
    "scaleDownDelayRevisionLimit: the old version is removed after promotion"
  ),
  prePromotionAnalysis: ROLLOUT_ANALYSIS,
  postPromotionAnalysis: ROLLOUT_ANALYSIS,
  antiAffinity: ANTI_AFFINITY,
  previewMetadata: refuse("labels and annotations only on preview pods are not supported"),
  activeMetadata: refuse("labels and annotations only on active pods are not supported"),
  abortScaleDownDelaySeconds: ignore(
    "abortScaleDownDelaySeconds: a rollback removes the new version at once"
  )
});
var ROLLOUT_SCHEMA = obj({
  apiVersion: LEAF,
  kind: LEAF,
  metadata: OPEN,
  spec: obj({
    replicas: LEAF,
    selector: OPEN,
    template: OPEN,
    workloadRef: refuse(
      "a Rollout that points at a Deployment (workloadRef): release that Deployment instead"
    ),
    minReadySeconds: LEAF,
    rollbackWindow: ignore("rollbackWindow: rollback returns to the stable version (or `to-revision`)"),
    strategy: obj({ blueGreen: BLUE_GREEN, canary: CANARY }),
    revisionHistoryLimit: LEAF,
    paused: LEAF,
    progressDeadlineSeconds: LEAF,
    progressDeadlineAbort: ignore(
      "progressDeadlineAbort: a release past its progress deadline is always rolled back"
    ),
    restartAt: refuse("restartAt (a scheduled restart) is not supported"),
    analysis: ignore("spec.analysis run history limits: kube-rollout keeps no AnalysisRuns")
  }),
  status: ignore("status is written by the Argo controller")
});
var METRIC_HEADERS = list(obj({ key: LEAF, value: LEAF }));
var NO_PROVIDER = (name) => refuse(`metric provider ${name} is not supported (providers: prometheus, web, job)`);
var METRIC = obj({
  name: LEAF,
  interval: LEAF,
  initialDelay: LEAF,
  count: LEAF,
  successCondition: LEAF,
  failureCondition: LEAF,
  failureLimit: LEAF,
  inconclusiveLimit: LEAF,
  consecutiveErrorLimit: LEAF,
  consecutiveSuccessLimit: refuse("consecutiveSuccessLimit is not supported (use count and failureLimit)"),
  provider: obj({
    prometheus: obj({
      address: LEAF,
      query: LEAF,
      authentication: refuse("Prometheus authentication (sigv4, oauth2) is not supported; use headers"),
      timeout: LEAF,
      insecure: LEAF,
      headers: METRIC_HEADERS,
      rangeQuery: refuse("range queries are not supported (use a range vector in the query)")
    }),
    web: obj({
      method: LEAF,
      url: LEAF,
      headers: METRIC_HEADERS,
      body: LEAF,
      timeoutSeconds: LEAF,
      jsonPath: LEAF,
      insecure: LEAF,
      jsonBody: OPEN,
      authentication: refuse("web authentication (oauth2) is not supported; use headers")
    }),
    job: obj({ metadata: OPEN, spec: OPEN }),
    kayenta: NO_PROVIDER("kayenta"),
    datadog: NO_PROVIDER("datadog"),
    wavefront: NO_PROVIDER("wavefront"),
    newRelic: NO_PROVIDER("newRelic"),
    cloudWatch: NO_PROVIDER("cloudWatch"),
    graphite: NO_PROVIDER("graphite"),
    influxdb: NO_PROVIDER("influxdb"),
    skywalking: NO_PROVIDER("skywalking"),
    plugin: NO_PROVIDER("plugin")
  })
});
var ANALYSIS_TEMPLATE_SCHEMA = obj({
  apiVersion: LEAF,
  kind: LEAF,
  metadata: OPEN,
  spec: obj({
    metrics: list(METRIC),
    args: list(
      obj({
        name: LEAF,
        value: LEAF,
        valueFrom: obj({
          secretKeyRef: refuse(
            "arguments from Secrets are not supported (the action reads no Secrets for metrics)"
          ),
          fieldRef: refuse(
            "fieldRef in a template argument is not supported; pass the value from the Rollout"
          )
        })
      })
    ),
    dryRun: list(obj({ metricName: LEAF })),
    measurementRetention: MEASUREMENT_RETENTION,
    templates: refuse("templates that include other templates are not supported")
  })
});

// src/argo/source.ts
var ArgoSource = class {
  constructor(sourced, findings) {
    this.sourced = sourced;
    this.findings = findings;
  }
  sourced;
  findings;
  /** `Rollout web`. */
  get label() {
    return `${this.sourced.object.kind} ${this.sourced.object.metadata.name}`;
  }
  /** The line of `path` in the manifest (the document's own line when it is not known). */
  lineOf(path4) {
    for (let n = path4.length; n > 0; n--) {
      const line = this.sourced.lineOf?.(path4.slice(0, n));
      if (line !== void 0) return line;
    }
    return this.sourced.line;
  }
  where(path4) {
    const line = this.lineOf(path4);
    return { input: "manifests", file: this.sourced.file, ...line !== void 0 ? { line } : {} };
  }
  /** `<file>:<line>` of a field, for messages that name it beside an input. */
  at(path4) {
    const line = this.lineOf(path4);
    return line !== void 0 ? `${this.sourced.file}:${line}` : this.sourced.file;
  }
  fail(path4, message) {
    this.findings.errors.push(new InputError(`${this.label}: ${message}`, this.where(path4)));
    return void 0;
  }
  note(message) {
    this.findings.notes.push(`${this.label}: ${message}`);
  }
  /** The value at `path` of the object. */
  get(path4) {
    return valueAt(this.sourced.object, path4);
  }
};

// src/argo/strict.ts
var import_fastest_levenshtein = __toESM(require_mod(), 1);
function checkFields(src, schema) {
  walk(src, src.sourced.object, schema, []);
}
function walk(src, value, spec, path4) {
  if (spec.open || value === null || value === void 0) return;
  if (spec.items) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(src, item, spec.items, [...path4, i]));
    return;
  }
  if (!spec.fields || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const known = spec.fields[key];
    const at2 = [...path4, key];
    if (!known) {
      src.fail(at2, `unknown field "${dotted(at2)}"${suggestion(key, Object.keys(spec.fields))}`);
      continue;
    }
    if (known.refuse && child !== null && child !== false) src.fail(at2, `${dotted(at2)}: ${known.refuse}`);
    else if (known.ignore && child !== null) src.note(`${dotted(at2)} is ignored: ${known.ignore}`);
    walk(src, child, known, at2);
  }
}
function dotted(path4) {
  return path4.reduce(
    (text, part) => typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${part}` : part,
    ""
  );
}
function suggestion(key, known) {
  const sameLetters = known.find((k) => k.toLowerCase() === key.toLowerCase());
  const near = sameLetters ?? (0, import_fastest_levenshtein.closest)(key, known);
  if (!near) return "";
  const allowed = Math.max(1, Math.min(2, Math.floor(key.length / 3)));
  return sameLetters || (0, import_fastest_levenshtein.distance)(key, near) <= allowed ? ` (did you mean "${near}"?)` : "";
}

// src/argo/args.ts
var HASH_SIDES = {
  Latest: "{{canary.version}}",
  Stable: "{{stable.version}}"
};
function rolloutArgs(ref, args, rollout) {
  const values = /* @__PURE__ */ new Map();
  if (!Array.isArray(args)) return values;
  args.forEach((arg, i) => {
    const at2 = [...ref.path, "args", i];
    if (typeof arg?.name !== "string") return void ref.src.fail(at2, "an analysis argument needs a name");
    const value = arg.valueFrom !== void 0 ? valueFrom(ref, [...at2, "valueFrom"], arg.valueFrom, rollout) : arg.value;
    if (value === void 0 || value === null)
      return void ref.src.fail(at2, `argument "${arg.name}" needs a value or valueFrom`);
    values.set(arg.name, String(value));
  });
  return values;
}
function valueFrom(ref, at2, from, rollout) {
  if (from?.podTemplateHashValue !== void 0) {
    const side = HASH_SIDES[String(from.podTemplateHashValue)];
    if (!side)
      return ref.src.fail(
        [...at2, "podTemplateHashValue"],
        `podTemplateHashValue must be Latest or Stable, got ${JSON.stringify(from.podTemplateHashValue)}`
      );
    ref.src.note(
      `argument from podTemplateHashValue ${from.podTemplateHashValue} is the ${from.podTemplateHashValue === "Latest" ? "new" : "stable"} version (the value of the version label on its pods), not a pod-template hash`
    );
    return side;
  }
  const path4 = from?.fieldRef?.fieldPath;
  if (typeof path4 === "string") {
    const value = fieldOf(rollout, path4);
    if (value === void 0)
      return ref.src.fail(
        [...at2, "fieldRef", "fieldPath"],
        `fieldPath ${path4}: only metadata.name, metadata.namespace, metadata.labels['\u2026'] and metadata.annotations['\u2026'] of the Rollout are supported, and the field must be set`
      );
    return value;
  }
  return ref.src.fail(at2, "valueFrom needs podTemplateHashValue or fieldRef");
}
function fieldOf(rollout, path4) {
  const meta = rollout.metadata;
  if (path4 === "metadata.name") return meta.name;
  if (path4 === "metadata.namespace") return meta.namespace;
  const keyed = /^metadata\.(labels|annotations)\[['"](.+)['"]\]$/.exec(path4);
  if (!keyed) return void 0;
  const map = keyed[1] === "labels" ? meta.labels : meta.annotations;
  return map?.[keyed[2]];
}
function templateArgs(template, given, ref) {
  const resolved = /* @__PURE__ */ new Map();
  const declared = template.get(["spec", "args"]);
  (Array.isArray(declared) ? declared : []).forEach((arg, i) => {
    if (typeof arg?.name !== "string")
      return void template.fail(["spec", "args", i], "an argument needs a name");
    const value = given.get(arg.name) ?? (arg.value !== void 0 && arg.value !== null ? String(arg.value) : void 0);
    if (value === void 0)
      return void template.fail(
        ["spec", "args", i],
        `argument "${arg.name}" has no value: pass it in the Rollout's args (${ref.src.at(ref.path)})`
      );
    resolved.set(arg.name, value);
  });
  return resolved;
}
var ARG_PLACEHOLDER = /\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g;
function substituteArgs(value, args, unknown) {
  if (typeof value === "string")
    return value.replace(ARG_PLACEHOLDER, (whole, name) => {
      const found = args.get(name);
      if (found === void 0) unknown(name);
      return found ?? whole;
    });
  if (Array.isArray(value)) return value.map((v) => substituteArgs(v, args, unknown));
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substituteArgs(v, args, unknown)])
    );
  return value;
}

// src/argo/templates.ts
var ARGO_METRIC_DEFAULTS = { failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 4 };
function referencedMetrics(ref, rollout, templates, phase = "pre-promotion") {
  const analysis = ref.src.get(ref.path);
  if (!analysis) return void 0;
  const given = rolloutArgs(ref, analysis.args, rollout);
  const dryRun = metricNames(analysis.dryRun);
  const metrics = [];
  for (const { name, cluster, at: at2 } of templateRefs(ref, analysis)) {
    const template = findTemplate(
      templates,
      name,
      cluster,
      rollout.metadata.namespace ?? templates.namespace
    );
    if (!template) {
      ref.src.fail(
        at2,
        `${cluster ? "ClusterAnalysisTemplate" : "AnalysisTemplate"} "${name}" is not in the manifests (kube-rollout reads templates from the manifests, not the cluster)`
      );
      continue;
    }
    const args = templateArgs(template, given, ref);
    const ownDryRun = metricNames(template.get(["spec", "dryRun"]));
    const list2 = template.get(["spec", "metrics"]);
    if (!Array.isArray(list2) || list2.length === 0) {
      template.fail(["spec", "metrics"], "spec.metrics must list at least one metric");
      continue;
    }
    list2.forEach((_, i) => {
      const metric = readMetric(template, ["spec", "metrics", i], args, phase);
      if (!metric) return;
      if (matchesAny(metric.name, dryRun) || matchesAny(metric.name, ownDryRun)) metric.dryRun = true;
      if (metrics.some((m) => m.name === metric.name))
        return void template.fail(
          ["spec", "metrics", i, "name"],
          `metric "${metric.name}" is defined twice in one analysis`
        );
      metrics.push(metric);
    });
  }
  return metrics;
}
function templateRefs(ref, analysis) {
  const refs = [];
  if (typeof analysis.templateName === "string") {
    ref.src.note(
      `${dotted(ref.path)}.templateName is the older single-template form; the current form is templates: [{templateName: ${analysis.templateName}}]`
    );
    refs.push({ name: analysis.templateName, cluster: false, at: [...ref.path, "templateName"] });
  }
  (Array.isArray(analysis.templates) ? analysis.templates : []).forEach((t, i) => {
    const at2 = [...ref.path, "templates", i];
    if (typeof t?.templateName !== "string") return void ref.src.fail(at2, "templates[] needs a templateName");
    refs.push({ name: t.templateName, cluster: t.clusterScope === true, at: at2 });
  });
  if (refs.length === 0) ref.src.fail(ref.path, "an analysis needs templates: [{templateName: \u2026}]");
  return refs;
}
function findTemplate(templates, name, cluster, namespace) {
  return cluster ? templates.cluster.get(name) : templates.namespaced.get(`${namespace}/${name}`);
}
function metricNames(list2) {
  return Array.isArray(list2) ? list2.map((d) => d?.metricName).filter((n) => typeof n === "string") : [];
}
function matchesAny(name, patterns) {
  return patterns.some((p) => p === "*" || p === name);
}
function readMetric(template, at2, args, phase) {
  const raw = substituteArgs(
    template.get(at2),
    args,
    (name) => template.fail(at2, `{{args.${name}}} names no argument of the template (declare it in spec.args)`)
  );
  if (typeof raw?.name !== "string") return template.fail(at2, "a metric needs a name");
  const field = (key) => [...at2, key];
  const count = (key, fallback) => wholeNumber(template, field(key), raw[key], fallback);
  const provider = readProvider(template, field("provider"), raw.provider ?? {});
  if (!provider) return void 0;
  const metric = {
    name: raw.name,
    ...provider,
    failureLimit: count("failureLimit", ARGO_METRIC_DEFAULTS.failureLimit),
    inconclusiveLimit: count("inconclusiveLimit", ARGO_METRIC_DEFAULTS.inconclusiveLimit),
    consecutiveErrorLimit: count("consecutiveErrorLimit", ARGO_METRIC_DEFAULTS.consecutiveErrorLimit),
    dryRun: false,
    phase,
    conditionLanguage: "argo"
  };
  const interval = duration(template, field("interval"), raw.interval);
  const initialDelay = duration(template, field("initialDelay"), raw.initialDelay);
  const measurements = count("count");
  if (interval !== void 0) metric.intervalMs = interval;
  if (initialDelay !== void 0) metric.initialDelayMs = initialDelay;
  if (measurements !== void 0) metric.count = measurements;
  for (const key of ["successCondition", "failureCondition"]) {
    if (raw[key] === void 0 || raw[key] === "") continue;
    const problem = checkCondition(String(raw[key]), "argo");
    if (problem) template.fail(field(key), `${key}: ${problem}`);
    else metric[key] = String(raw[key]);
  }
  if (!metric.successCondition && !metric.failureCondition && metric.provider !== "job") {
    metric.successCondition = "true";
    template.note(
      `metric "${metric.name}" has no condition: as in Argo, every measurement that returns passes`
    );
  }
  return metric;
}
function readProvider(template, at2, provider) {
  const kinds = Object.keys(provider).filter((k) => provider[k] !== null && provider[k] !== void 0);
  if (kinds.length !== 1)
    return template.fail(
      at2,
      `a metric needs exactly one provider (prometheus, web or job), got ${kinds.join(", ") || "none"}`
    );
  const kind = kinds[0];
  const p = provider[kind];
  const where = [...at2, kind];
  if (p.insecure === true)
    return template.fail([...where, "insecure"], "insecure: TLS verification cannot be turned off");
  if (kind === "job") {
    if (p.metadata) template.note("a job metric's metadata is ignored: the Job is labelled by the action");
    if (!p.spec) return template.fail(where, "provider.job needs a spec");
    return { provider: "job", job: { spec: p.spec } };
  }
  const headers = headerMap(p.headers);
  if (kind === "prometheus") {
    if (typeof p.query !== "string") return template.fail(where, "provider.prometheus needs a query");
    return {
      provider: "prometheus",
      query: p.query,
      ...p.address ? { address: String(p.address) } : {},
      ...headers ? { headers } : {},
      ...p.timeout !== void 0 ? { timeoutMs: Number(p.timeout) * 1e3 } : {}
    };
  }
  if (typeof p.url !== "string") return template.fail(where, "provider.web needs a url");
  const body = p.jsonBody !== void 0 ? JSON.stringify(p.jsonBody) : p.body;
  return {
    provider: "web",
    url: p.url,
    ...p.method ? { method: String(p.method) } : {},
    ...body !== void 0 ? { body: String(body) } : {},
    // Argo writes JSONPath in braces, as kubectl does: {$.data.ok}.
    ...p.jsonPath ? { jsonPath: String(p.jsonPath).replace(/^\{(.*)\}$/s, "$1") } : {},
    ...headers ? { headers } : {},
    ...p.timeoutSeconds !== void 0 ? { timeoutMs: Number(p.timeoutSeconds) * 1e3 } : {}
  };
}
function headerMap(list2) {
  if (!Array.isArray(list2) || list2.length === 0) return void 0;
  return Object.fromEntries(list2.map((h) => [String(h?.key), String(h?.value ?? "")]));
}
function wholeNumber(src, at2, value, fallback) {
  if (value === void 0 || value === null) return fallback;
  const n = typeof value === "number" ? value : /^\s*-?\d+\s*$/.test(String(value)) ? Number(value) : NaN;
  if (Number.isInteger(n) && n >= 0) return n;
  src.fail(at2, `${at2.at(-1)} must be a whole number \u2265 0, got ${JSON.stringify(value)}`);
  return fallback;
}
function duration(src, at2, value) {
  if (value === void 0 || value === null) return void 0;
  const ms = typeof value === "string" || typeof value === "number" ? tryParseDuration(value) : void 0;
  if (ms === void 0)
    src.fail(at2, `${at2.at(-1)}: invalid duration ${JSON.stringify(value)} (e.g. 30s, 5m, 1h or seconds)`);
  return ms;
}

// src/argo/strategy.ts
var NGINX_PREFIX = "nginx.ingress.kubernetes.io";
var ARGO_SCALE_DOWN_DELAY_S = 30;
function strategySettings(src, templates) {
  const out = { inputs: {}, fields: {}, defaults: {}, managedServices: [] };
  const r = {
    src,
    templates,
    out,
    set(input, value, path4) {
      out.inputs[input] = value;
      out.fields[input] = `${dotted(path4)} (${src.at(path4)})`;
    },
    fallback(input, value) {
      out.defaults[input] = value;
    }
  };
  const strategy = src.get(["spec", "strategy"]);
  const kinds = ["canary", "blueGreen"].filter((k) => strategy?.[k] != null);
  if (kinds.length !== 1) {
    src.fail(
      ["spec", "strategy"],
      `spec.strategy needs exactly one of canary or blueGreen, got ${kinds.join(" and ") || "none"}`
    );
    return out;
  }
  if (kinds[0] === "canary") readCanary(r, ["spec", "strategy", "canary"]);
  else readBlueGreen(r, ["spec", "strategy", "blueGreen"]);
  return out;
}
function readCanary(r, at2) {
  const canary = r.src.get(at2);
  r.set("strategy", "canary", at2);
  const routed = readTrafficRouting(r, [...at2, "trafficRouting"], canary);
  if (!routed) readBasicCanary(r, at2, canary);
  else {
    scaleDownDelay(r, [...at2, "scaleDownDelaySeconds"], canary.scaleDownDelaySeconds);
    if (canary.dynamicStableScale === true)
      r.src.fail(
        [...at2, "dynamicStableScale"],
        "dynamicStableScale: stable keeps its full size while the router moves traffic"
      );
  }
  const steps = readSteps(r, [...at2, "steps"], routed);
  if (canary.steps) r.set("steps", steps, [...at2, "steps"]);
  else r.fallback("steps", []);
  if (canary.analysis) readBackgroundAnalysis(r, [...at2, "analysis"], canary.analysis, steps.length);
}
function readBasicCanary(r, at2, canary) {
  r.set("traffic", "replicas", at2);
  const surge = intOrPercent(r, [...at2, "maxSurge"], canary.maxSurge);
  if (surge !== void 0) r.set("max-surge", surge, [...at2, "maxSurge"]);
  else r.fallback("max-surge", "25%");
  if (canary.scaleDownDelaySeconds !== void 0)
    r.src.note("scaleDownDelaySeconds is ignored without trafficRouting, as in Argo");
  r.set("scale-down-delay", 0, at2);
  if (canary.canaryService || canary.stableService)
    r.src.note(
      "canaryService and stableService without trafficRouting are applied as written (they select both versions)"
    );
}
function readBackgroundAnalysis(r, at2, analysis, steps) {
  const metrics = referencedMetrics({ src: r.src, path: at2 }, r.src.sourced.object, r.templates);
  const start = startingStep(r, [...at2, "startingStep"], analysis.startingStep ?? 0, steps);
  if (metrics?.length) r.set("analysis", { startingStep: start, metrics }, at2);
}
function readTrafficRouting(r, at2, canary) {
  const routing = canary.trafficRouting;
  if (!routing) return false;
  if (routing.maxTrafficWeight !== void 0 && routing.maxTrafficWeight !== 100)
    r.src.fail([...at2, "maxTrafficWeight"], "maxTrafficWeight must be 100: weights are percentages");
  const routers = ["nginx", "istio", "smi"].filter((k) => routing[k]);
  if (routers.length !== 1) {
    r.src.fail(
      at2,
      `trafficRouting needs exactly one of nginx, istio or smi, got ${routers.join(" and ") || "none"}`
    );
    return true;
  }
  const router = routers[0];
  r.set("traffic", router, [...at2, router]);
  const stable = canary.stableService;
  if (typeof stable !== "string" || typeof canary.canaryService !== "string")
    r.src.fail(at2.slice(0, -1), "trafficRouting needs canaryService and stableService");
  else {
    r.out.primaryService = stable;
    const ours = canaryServiceName(stable);
    if (canary.canaryService === ours) r.out.managedServices.push(canary.canaryService);
    else
      r.src.note(
        `canary traffic goes through Service ${ours} (created by the action); Service ${canary.canaryService} is applied as written`
      );
  }
  if (router === "nginx") readNginx(r, [...at2, "nginx"], routing.nginx);
  if (router === "istio") readIstio(r, [...at2, "istio"], routing.istio);
  if (router === "smi" && routing.smi.trafficSplitName)
    r.set("traffic-split", routing.smi.trafficSplitName, [...at2, "smi", "trafficSplitName"]);
  return true;
}
function readNginx(r, at2, nginx) {
  if (nginx.annotationPrefix !== void 0 && nginx.annotationPrefix !== NGINX_PREFIX)
    r.src.fail([...at2, "annotationPrefix"], `annotationPrefix must be ${NGINX_PREFIX} (ingress-nginx's own)`);
  const ingresses = nginx.stableIngresses ?? (nginx.stableIngress ? [nginx.stableIngress] : []);
  if (nginx.stableIngress && nginx.stableIngresses)
    r.src.fail(at2, "give stableIngress or stableIngresses, not both");
  if (ingresses.length !== 1)
    return void r.src.fail(at2, `nginx needs one stable Ingress (stableIngress), got ${ingresses.length}`);
  r.set("ingress", ingresses[0], [...at2, nginx.stableIngress ? "stableIngress" : "stableIngresses"]);
}
function readIstio(r, at2, istio) {
  const services = istio.virtualServices ?? (istio.virtualService ? [istio.virtualService] : []);
  if (services.length !== 1)
    return void r.src.fail(at2, `istio needs one VirtualService, got ${services.length}`);
  const vs = services[0];
  if (Array.isArray(vs.routes) && vs.routes.length > 1)
    r.src.fail(
      at2,
      "istio: routes lists more than one route; kube-rollout drives the VirtualService's route to the Service"
    );
  if (vs.tlsRoutes || vs.tcpRoutes) r.src.fail(at2, "istio: tlsRoutes and tcpRoutes are not supported");
  r.set("virtual-service", vs.name, [...at2, istio.virtualService ? "virtualService" : "virtualServices"]);
  if (istio.destinationRule)
    r.src.note("istio.destinationRule: the action splits by the DestinationRule found in the manifests");
}
function readSteps(r, at2, routed) {
  const list2 = r.src.get(at2);
  if (list2 === void 0 || list2 === null) return [];
  if (!Array.isArray(list2)) return r.src.fail(at2, "steps must be a list") ?? [];
  return list2.flatMap((step, i) => {
    const read = readStep(r, [...at2, i], step, routed);
    return read ? [read] : [];
  });
}
function readStep(r, at2, step, routed) {
  const kinds = Object.keys(step ?? {}).filter((k) => step[k] !== void 0);
  if (kinds.length !== 1)
    return r.src.fail(at2, `a step has exactly one kind, got ${kinds.join(" and ") || "none"}`);
  const kind = kinds[0];
  const value = step[kind];
  const where = [...at2, kind];
  switch (kind) {
    case "setWeight":
      if (isWholeNumber(value) && value >= 0 && value <= 100) return { setWeight: value };
      return r.src.fail(
        where,
        `setWeight must be a whole number from 0 to 100, got ${JSON.stringify(value)}`
      );
    case "pause": {
      const ms = duration(r.src, [...where, "duration"], valueAt(value, ["duration"]));
      return { pause: ms === void 0 ? {} : { durationMs: ms } };
    }
    case "analysis": {
      const metrics = referencedMetrics({ src: r.src, path: where }, r.src.sourced.object, r.templates);
      return metrics ? { analysis: { metrics } } : void 0;
    }
    case "setCanaryScale": {
      if (!routed)
        return r.src.fail(
          where,
          "setCanaryScale needs trafficRouting (a basic canary sizes the canary from setWeight)"
        );
      const scale = readCanaryScale(value);
      return typeof scale === "string" ? r.src.fail(where, `setCanaryScale ${scale}`) : { setCanaryScale: scale };
    }
    case "setHeaderRoute":
      return readHeaderRoute(r, where, step.setHeaderRoute, routed);
    default:
      return void 0;
  }
}
function readHeaderRoute(r, at2, value, routed) {
  if (!routed) return r.src.fail(at2, "setHeaderRoute needs trafficRouting");
  if (typeof value?.name !== "string") return r.src.fail(at2, "setHeaderRoute needs a name");
  const matches = Array.isArray(value.match) ? value.match : [];
  if (matches.length === 0) return { removeHeaderRoute: value.name };
  if (matches.length > 1)
    return r.src.fail([...at2, "match"], "setHeaderRoute: one header match per route is supported");
  const { headerName, headerValue } = matches[0] ?? {};
  const kinds = Object.keys(headerValue ?? {}).filter((k) => headerValue?.[k] !== void 0);
  if (typeof headerName !== "string" || kinds.length !== 1)
    return r.src.fail([...at2, "match", 0], "a header match needs headerName and one of exact, prefix, regex");
  const text = String(headerValue?.[kinds[0]]);
  const match = kinds[0] === "exact" ? { exact: text } : kinds[0] === "prefix" ? { prefix: text } : { regex: text };
  return { setHeaderRoute: { name: value.name, header: headerName, match } };
}
function readBlueGreen(r, at2) {
  const bg = r.src.get(at2);
  r.set("strategy", "blue-green", at2);
  r.set("traffic", "service", at2);
  if (typeof bg.activeService !== "string") r.src.fail(at2, "blueGreen needs activeService");
  else r.out.primaryService = bg.activeService;
  if (typeof bg.previewService === "string") {
    r.set("preview-service", bg.previewService, [...at2, "previewService"]);
    r.out.managedServices.push(bg.previewService);
  }
  const after = seconds(r, [...at2, "autoPromotionSeconds"], bg.autoPromotionSeconds ?? 0);
  const auto = bg.autoPromotionEnabled ?? true;
  if (typeof auto !== "boolean")
    r.src.fail([...at2, "autoPromotionEnabled"], "autoPromotionEnabled must be true or false");
  if (bg.autoPromotionEnabled !== void 0 || after > 0)
    r.set("auto-promote", auto === true && after === 0, [
      ...at2,
      after > 0 ? "autoPromotionSeconds" : "autoPromotionEnabled"
    ]);
  if (after > 0) r.out.autoPromoteAfterMs = after;
  scaleDownDelay(r, [...at2, "scaleDownDelaySeconds"], bg.scaleDownDelaySeconds);
  const metrics = [];
  for (const [key, phase] of [
    ["prePromotionAnalysis", "pre-promotion"],
    ["postPromotionAnalysis", "post-promotion"]
  ]) {
    if (bg[key])
      metrics.push(
        ...referencedMetrics({ src: r.src, path: [...at2, key] }, r.src.sourced.object, r.templates, phase) ?? []
      );
  }
  if (metrics.length) r.set("analysis", { metrics }, at2);
}
function scaleDownDelay(r, at2, value) {
  if (value === void 0) r.fallback("scale-down-delay", ARGO_SCALE_DOWN_DELAY_S * 1e3);
  else r.set("scale-down-delay", seconds(r, at2, value), at2);
}
function startingStep(r, at2, value, steps) {
  if (isWholeNumber(value) && value >= 0 && !(steps > 0 && value >= steps)) return value;
  r.src.fail(
    at2,
    `startingStep must be the index of a step (0 to ${Math.max(0, steps - 1)}), got ${JSON.stringify(value)}`
  );
  return 0;
}
function isWholeNumber(value) {
  return Number.isInteger(value);
}
function seconds(r, at2, value) {
  if (isWholeNumber(value) && value >= 0) return value * 1e3;
  r.src.fail(at2, `${at2.at(-1)} must be a whole number of seconds, got ${JSON.stringify(value)}`);
  return 0;
}
function intOrPercent(r, at2, value) {
  if (value === void 0 || value === null) return void 0;
  if (isWholeNumber(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d+%$/.test(value)) return value;
  r.src.fail(
    at2,
    `${at2.at(-1)} must be a number of pods or a percentage like 25%, got ${JSON.stringify(value)}`
  );
  return void 0;
}

// src/argo/index.ts
function releaseFromArgo(objects, namespace, build2) {
  const argo = translateArgo(objects, namespace);
  return { objects: argo.objects, config: build2(argo.settings), notes: argo.notes };
}
var GROUP = "argoproj.io/";
var TEMPLATE_KINDS = ["AnalysisTemplate", "ClusterAnalysisTemplate"];
var isArgo = (s) => s.object.apiVersion.startsWith(GROUP);
function translateArgo(objects, namespace) {
  if (!objects.some(isArgo)) return { objects, notes: [] };
  const findings = { errors: [], notes: [] };
  const sources = objects.filter(isArgo).map((s) => new ArgoSource(s, findings));
  const rollouts = sources.filter((s) => s.sourced.object.kind === "Rollout");
  const templates = indexTemplates(sources, namespace);
  for (const src of sources) {
    const kind = src.sourced.object.kind;
    if (kind === "Rollout") checkFields(src, ROLLOUT_SCHEMA);
    else if (TEMPLATE_KINDS.includes(kind)) checkFields(src, ANALYSIS_TEMPLATE_SCHEMA);
    else
      src.fail(
        [],
        `${kind} objects are not supported (kube-rollout reads Rollout, AnalysisTemplate and ClusterAnalysisTemplate)`
      );
  }
  rollouts.slice(1).forEach(
    (extra) => extra.fail(
      [],
      `one Rollout per release: ${rollouts[0].label} (${rollouts[0].at([])}) is already in these manifests; release each Rollout in its own step`
    )
  );
  const rollout = rollouts[0];
  const settings = rollout && strategySettings(rollout, templates);
  const released = rollout ? releasedObjects(objects, rollout, settings) : objects.filter((s) => !isArgo(s));
  if (findings.errors.length)
    throw findings.errors.length === 1 ? findings.errors[0] : new InputErrors(findings.errors);
  return {
    objects: released,
    ...rollout ? { settings: manifestSettings(rollout, settings, namespace) } : {},
    notes: findings.notes
  };
}
function indexTemplates(sources, namespace) {
  const index = { namespace, namespaced: /* @__PURE__ */ new Map(), cluster: /* @__PURE__ */ new Map() };
  for (const src of sources) {
    const { kind, metadata } = src.sourced.object;
    if (kind === "AnalysisTemplate")
      index.namespaced.set(`${metadata.namespace ?? namespace}/${metadata.name}`, src);
    if (kind === "ClusterAnalysisTemplate") index.cluster.set(metadata.name, src);
  }
  return index;
}
function releasedObjects(objects, rollout, settings) {
  const deployment = deploymentOf(rollout);
  const name = deployment.metadata.name;
  const clash = objects.find((s) => s.object.kind === "Deployment" && s.object.metadata.name === name);
  if (clash)
    rollout.fail(
      [],
      `the manifests also hold Deployment ${name} (${clash.file}${clash.line ? `:${clash.line}` : ""}): the Rollout is released as that Deployment; keep one of them`
    );
  const isService = (s, n) => s.object.kind === "Service" && s.object.metadata.name === n;
  const out = [];
  for (const s of objects) {
    if (s === rollout.sourced)
      out.push({ object: deployment, file: s.file, ...s.line !== void 0 ? { line: s.line } : {} });
    else if (isArgo(s)) continue;
    else if (settings.managedServices.some((n) => isService(s, n))) {
      rollout.note(
        `Service ${s.object.metadata.name} is managed by the action during a release (it selects the new version) and is not applied as written`
      );
    } else out.push(s);
  }
  const primary = settings.primaryService;
  if (primary && !out.some((s) => isService(s, primary)))
    rollout.fail(
      ["spec", "strategy"],
      `Service ${primary} is not in the manifests: the action switches it, so it must be released with the Rollout`
    );
  const firstService = out.findIndex((s) => s.object.kind === "Service");
  const at2 = out.findIndex((s) => isService(s, primary));
  if (primary && at2 > firstService) out.splice(firstService, 0, ...out.splice(at2, 1));
  return out;
}
function manifestSettings(rollout, settings, namespace) {
  const { name, namespace: own } = rollout.sourced.object.metadata;
  const { file, line } = rollout.sourced;
  return {
    origin: { kind: "Rollout", name, namespace: own ?? namespace, file, ...line ? { line } : {} },
    inputs: settings.inputs,
    fields: settings.fields,
    defaults: settings.defaults,
    ...settings.autoPromoteAfterMs ? { autoPromoteAfterMs: settings.autoPromoteAfterMs } : {}
  };
}

// src/manifests/load.ts
import { readFile, stat as stat2 } from "node:fs/promises";
import path2 from "node:path";

// node_modules/tinyglobby/dist/index.mjs
import { readdir, readdirSync, realpath, realpathSync, stat, statSync } from "fs";
import { isAbsolute, posix, resolve as resolve2 } from "path";
import { fileURLToPath } from "url";

// node_modules/fdir/dist/index.mjs
import { createRequire } from "module";
import { basename, dirname, normalize, relative, resolve, sep } from "path";
import * as nativeFs from "fs";
var __require = /* @__PURE__ */ createRequire(import.meta.url);
function cleanPath(path4) {
  let normalized = normalize(path4);
  if (normalized.length > 1 && normalized[normalized.length - 1] === sep) normalized = normalized.substring(0, normalized.length - 1);
  return normalized;
}
var SLASHES_REGEX = /[\\/]/g;
function convertSlashes(path4, separator) {
  return path4.replace(SLASHES_REGEX, separator);
}
var WINDOWS_ROOT_DIR_REGEX = /^[a-z]:[\\/]$/i;
function isRootDirectory(path4) {
  return path4 === "/" || WINDOWS_ROOT_DIR_REGEX.test(path4);
}
function normalizePath(path4, options) {
  const { resolvePaths, normalizePath: normalizePath$1, pathSeparator } = options;
  const pathNeedsCleaning = process.platform === "win32" && path4.includes("/") || path4.startsWith(".");
  if (resolvePaths) path4 = resolve(path4);
  if (normalizePath$1 || pathNeedsCleaning) path4 = cleanPath(path4);
  if (path4 === ".") return "";
  const needsSeperator = path4[path4.length - 1] !== pathSeparator;
  return convertSlashes(needsSeperator ? path4 + pathSeparator : path4, pathSeparator);
}
function joinPathWithBasePath(filename, directoryPath) {
  return directoryPath + filename;
}
function joinPathWithRelativePath(root, options) {
  return function(filename, directoryPath) {
    const sameRoot = directoryPath.startsWith(root);
    if (sameRoot) return directoryPath.slice(root.length) + filename;
    else return convertSlashes(relative(root, directoryPath), options.pathSeparator) + options.pathSeparator + filename;
  };
}
function joinPath(filename) {
  return filename;
}
function joinDirectoryPath(filename, directoryPath, separator) {
  return directoryPath + filename + separator;
}
function build$7(root, options) {
  const { relativePaths, includeBasePath } = options;
  return relativePaths && root ? joinPathWithRelativePath(root, options) : includeBasePath ? joinPathWithBasePath : joinPath;
}
function pushDirectoryWithRelativePath(root) {
  return function(directoryPath, paths) {
    paths.push(directoryPath.substring(root.length) || ".");
  };
}
function pushDirectoryFilterWithRelativePath(root) {
  return function(directoryPath, paths, filters) {
    const relativePath = directoryPath.substring(root.length) || ".";
    if (filters.every((filter) => filter(relativePath, true))) paths.push(relativePath);
  };
}
var pushDirectory = (directoryPath, paths) => {
  paths.push(directoryPath || ".");
};
var pushDirectoryFilter = (directoryPath, paths, filters) => {
  const path4 = directoryPath || ".";
  if (filters.every((filter) => filter(path4, true))) paths.push(path4);
};
var empty$2 = () => {
};
function build$6(root, options) {
  const { includeDirs, filters, relativePaths } = options;
  if (!includeDirs) return empty$2;
  if (relativePaths) return filters && filters.length ? pushDirectoryFilterWithRelativePath(root) : pushDirectoryWithRelativePath(root);
  return filters && filters.length ? pushDirectoryFilter : pushDirectory;
}
var pushFileFilterAndCount = (filename, _paths, counts, filters) => {
  if (filters.every((filter) => filter(filename, false))) counts.files++;
};
var pushFileFilter = (filename, paths, _counts, filters) => {
  if (filters.every((filter) => filter(filename, false))) paths.push(filename);
};
var pushFileCount = (_filename, _paths, counts, _filters) => {
  counts.files++;
};
var pushFile = (filename, paths) => {
  paths.push(filename);
};
var empty$1 = () => {
};
function build$5(options) {
  const { excludeFiles, filters, onlyCounts } = options;
  if (excludeFiles) return empty$1;
  if (filters && filters.length) return onlyCounts ? pushFileFilterAndCount : pushFileFilter;
  else if (onlyCounts) return pushFileCount;
  else return pushFile;
}
var getArray = (paths) => {
  return paths;
};
var getArrayGroup = () => {
  return [""].slice(0, 0);
};
function build$4(options) {
  return options.group ? getArrayGroup : getArray;
}
var groupFiles = (groups, directory, files) => {
  groups.push({
    directory,
    files,
    dir: directory
  });
};
var empty = () => {
};
function build$3(options) {
  return options.group ? groupFiles : empty;
}
var resolveSymlinksAsync = function(path4, state, callback$1) {
  const { queue, fs, options: { suppressErrors } } = state;
  queue.enqueue();
  fs.realpath(path4, (error2, resolvedPath) => {
    if (error2) return queue.dequeue(suppressErrors ? null : error2, state);
    fs.stat(resolvedPath, (error$1, stat3) => {
      if (error$1) return queue.dequeue(suppressErrors ? null : error$1, state);
      if (stat3.isDirectory() && isRecursive(path4, resolvedPath, state)) return queue.dequeue(null, state);
      callback$1(stat3, resolvedPath);
      queue.dequeue(null, state);
    });
  });
};
var resolveSymlinks = function(path4, state, callback$1) {
  const { queue, fs, options: { suppressErrors } } = state;
  queue.enqueue();
  try {
    const resolvedPath = fs.realpathSync(path4);
    const stat3 = fs.statSync(resolvedPath);
    if (stat3.isDirectory() && isRecursive(path4, resolvedPath, state)) return;
    callback$1(stat3, resolvedPath);
  } catch (e) {
    if (!suppressErrors) throw e;
  }
};
function build$2(options, isSynchronous) {
  if (!options.resolveSymlinks || options.excludeSymlinks) return null;
  return isSynchronous ? resolveSymlinks : resolveSymlinksAsync;
}
function isRecursive(path4, resolved, state) {
  if (state.options.useRealPaths) return isRecursiveUsingRealPaths(resolved, state);
  let parent = dirname(path4);
  let depth = 1;
  while (parent !== state.root && depth < 2) {
    const resolvedPath = state.symlinks.get(parent);
    const isSameRoot = !!resolvedPath && (resolvedPath === resolved || resolvedPath.startsWith(resolved) || resolved.startsWith(resolvedPath));
    if (isSameRoot) depth++;
    else parent = dirname(parent);
  }
  state.symlinks.set(path4, resolved);
  return depth > 1;
}
function isRecursiveUsingRealPaths(resolved, state) {
  return state.visited.includes(resolved + state.options.pathSeparator);
}
var onlyCountsSync = (state) => {
  return state.counts;
};
var groupsSync = (state) => {
  return state.groups;
};
var defaultSync = (state) => {
  return state.paths;
};
var limitFilesSync = (state) => {
  return state.paths.slice(0, state.options.maxFiles);
};
var onlyCountsAsync = (state, error2, callback$1) => {
  report(error2, callback$1, state.counts, state.options.suppressErrors);
  return null;
};
var defaultAsync = (state, error2, callback$1) => {
  report(error2, callback$1, state.paths, state.options.suppressErrors);
  return null;
};
var limitFilesAsync = (state, error2, callback$1) => {
  report(error2, callback$1, state.paths.slice(0, state.options.maxFiles), state.options.suppressErrors);
  return null;
};
var groupsAsync = (state, error2, callback$1) => {
  report(error2, callback$1, state.groups, state.options.suppressErrors);
  return null;
};
function report(error2, callback$1, output, suppressErrors) {
  if (error2 && !suppressErrors) callback$1(error2, output);
  else callback$1(null, output);
}
function build$1(options, isSynchronous) {
  const { onlyCounts, group, maxFiles } = options;
  if (onlyCounts) return isSynchronous ? onlyCountsSync : onlyCountsAsync;
  else if (group) return isSynchronous ? groupsSync : groupsAsync;
  else if (maxFiles) return isSynchronous ? limitFilesSync : limitFilesAsync;
  else return isSynchronous ? defaultSync : defaultAsync;
}
var readdirOpts = { withFileTypes: true };
var walkAsync = (state, crawlPath, directoryPath, currentDepth, callback$1) => {
  state.queue.enqueue();
  if (currentDepth < 0) return state.queue.dequeue(null, state);
  const { fs } = state;
  state.visited.push(crawlPath);
  state.counts.directories++;
  fs.readdir(crawlPath || ".", readdirOpts, (error2, entries = []) => {
    callback$1(entries, directoryPath, currentDepth);
    state.queue.dequeue(state.options.suppressErrors ? null : error2, state);
  });
};
var walkSync = (state, crawlPath, directoryPath, currentDepth, callback$1) => {
  const { fs } = state;
  if (currentDepth < 0) return;
  state.visited.push(crawlPath);
  state.counts.directories++;
  let entries = [];
  try {
    entries = fs.readdirSync(crawlPath || ".", readdirOpts);
  } catch (e) {
    if (!state.options.suppressErrors) throw e;
  }
  callback$1(entries, directoryPath, currentDepth);
};
function build(isSynchronous) {
  return isSynchronous ? walkSync : walkAsync;
}
var Queue = class {
  count = 0;
  constructor(onQueueEmpty) {
    this.onQueueEmpty = onQueueEmpty;
  }
  enqueue() {
    this.count++;
    return this.count;
  }
  dequeue(error2, output) {
    if (this.onQueueEmpty && (--this.count <= 0 || error2)) {
      this.onQueueEmpty(error2, output);
      if (error2) {
        output.controller.abort();
        this.onQueueEmpty = void 0;
      }
    }
  }
};
var Counter = class {
  _files = 0;
  _directories = 0;
  set files(num) {
    this._files = num;
  }
  get files() {
    return this._files;
  }
  set directories(num) {
    this._directories = num;
  }
  get directories() {
    return this._directories;
  }
  /**
  * @deprecated use `directories` instead
  */
  /* c8 ignore next 3 */
  get dirs() {
    return this._directories;
  }
};
var Aborter = class {
  aborted = false;
  abort() {
    this.aborted = true;
  }
};
var Walker = class {
  root;
  isSynchronous;
  state;
  joinPath;
  pushDirectory;
  pushFile;
  getArray;
  groupFiles;
  resolveSymlink;
  walkDirectory;
  callbackInvoker;
  constructor(root, options, callback$1) {
    this.isSynchronous = !callback$1;
    this.callbackInvoker = build$1(options, this.isSynchronous);
    this.root = normalizePath(root, options);
    this.state = {
      root: isRootDirectory(this.root) ? this.root : this.root.slice(0, -1),
      paths: [""].slice(0, 0),
      groups: [],
      counts: new Counter(),
      options,
      queue: new Queue((error2, state) => this.callbackInvoker(state, error2, callback$1)),
      symlinks: /* @__PURE__ */ new Map(),
      visited: [""].slice(0, 0),
      controller: new Aborter(),
      fs: options.fs || nativeFs
    };
    this.joinPath = build$7(this.root, options);
    this.pushDirectory = build$6(this.root, options);
    this.pushFile = build$5(options);
    this.getArray = build$4(options);
    this.groupFiles = build$3(options);
    this.resolveSymlink = build$2(options, this.isSynchronous);
    this.walkDirectory = build(this.isSynchronous);
  }
  start() {
    this.pushDirectory(this.root, this.state.paths, this.state.options.filters);
    this.walkDirectory(this.state, this.root, this.root, this.state.options.maxDepth, this.walk);
    return this.isSynchronous ? this.callbackInvoker(this.state, null) : null;
  }
  walk = (entries, directoryPath, depth) => {
    const { paths, options: { filters, resolveSymlinks: resolveSymlinks$1, excludeSymlinks, exclude, maxFiles, signal, useRealPaths, pathSeparator }, controller } = this.state;
    if (controller.aborted || signal && signal.aborted || maxFiles && paths.length > maxFiles) return;
    const files = this.getArray(this.state.paths);
    for (let i = 0; i < entries.length; ++i) {
      const entry = entries[i];
      if (entry.isFile() || entry.isSymbolicLink() && !resolveSymlinks$1 && !excludeSymlinks) {
        const filename = this.joinPath(entry.name, directoryPath);
        this.pushFile(filename, files, this.state.counts, filters);
      } else if (entry.isDirectory()) {
        let path4 = joinDirectoryPath(entry.name, directoryPath, this.state.options.pathSeparator);
        if (exclude && exclude(entry.name, path4)) continue;
        this.pushDirectory(path4, paths, filters);
        this.walkDirectory(this.state, path4, path4, depth - 1, this.walk);
      } else if (this.resolveSymlink && entry.isSymbolicLink()) {
        let path4 = joinPathWithBasePath(entry.name, directoryPath);
        this.resolveSymlink(path4, this.state, (stat3, resolvedPath) => {
          if (stat3.isDirectory()) {
            resolvedPath = normalizePath(resolvedPath, this.state.options);
            if (exclude && exclude(entry.name, useRealPaths ? resolvedPath : path4 + pathSeparator)) return;
            this.walkDirectory(this.state, resolvedPath, useRealPaths ? resolvedPath : path4 + pathSeparator, depth - 1, this.walk);
          } else {
            resolvedPath = useRealPaths ? resolvedPath : path4;
            const filename = basename(resolvedPath);
            const directoryPath$1 = normalizePath(dirname(resolvedPath), this.state.options);
            resolvedPath = this.joinPath(filename, directoryPath$1);
            this.pushFile(resolvedPath, files, this.state.counts, filters);
          }
        });
      }
    }
    this.groupFiles(this.state.groups, directoryPath, files);
  };
};
function promise(root, options) {
  return new Promise((resolve$1, reject) => {
    callback(root, options, (err, output) => {
      if (err) return reject(err);
      resolve$1(output);
    });
  });
}
function callback(root, options, callback$1) {
  let walker = new Walker(root, options, callback$1);
  walker.start();
}
function sync(root, options) {
  const walker = new Walker(root, options);
  return walker.start();
}
var APIBuilder = class {
  constructor(root, options) {
    this.root = root;
    this.options = options;
  }
  withPromise() {
    return promise(this.root, this.options);
  }
  withCallback(cb) {
    callback(this.root, this.options, cb);
  }
  sync() {
    return sync(this.root, this.options);
  }
};
var pm = null;
try {
  __require.resolve("picomatch");
  pm = __require("picomatch");
} catch {
}
var Builder = class {
  globCache = {};
  options = {
    maxDepth: Infinity,
    suppressErrors: true,
    pathSeparator: sep,
    filters: []
  };
  globFunction;
  constructor(options) {
    this.options = {
      ...this.options,
      ...options
    };
    this.globFunction = this.options.globFunction;
  }
  group() {
    this.options.group = true;
    return this;
  }
  withPathSeparator(separator) {
    this.options.pathSeparator = separator;
    return this;
  }
  withBasePath() {
    this.options.includeBasePath = true;
    return this;
  }
  withRelativePaths() {
    this.options.relativePaths = true;
    return this;
  }
  withDirs() {
    this.options.includeDirs = true;
    return this;
  }
  withMaxDepth(depth) {
    this.options.maxDepth = depth;
    return this;
  }
  withMaxFiles(limit) {
    this.options.maxFiles = limit;
    return this;
  }
  withFullPaths() {
    this.options.resolvePaths = true;
    this.options.includeBasePath = true;
    return this;
  }
  withErrors() {
    this.options.suppressErrors = false;
    return this;
  }
  withSymlinks({ resolvePaths = true } = {}) {
    this.options.resolveSymlinks = true;
    this.options.useRealPaths = resolvePaths;
    return this.withFullPaths();
  }
  withAbortSignal(signal) {
    this.options.signal = signal;
    return this;
  }
  normalize() {
    this.options.normalizePath = true;
    return this;
  }
  filter(predicate) {
    this.options.filters.push(predicate);
    return this;
  }
  onlyDirs() {
    this.options.excludeFiles = true;
    this.options.includeDirs = true;
    return this;
  }
  exclude(predicate) {
    this.options.exclude = predicate;
    return this;
  }
  onlyCounts() {
    this.options.onlyCounts = true;
    return this;
  }
  crawl(root) {
    return new APIBuilder(root || ".", this.options);
  }
  withGlobFunction(fn) {
    this.globFunction = fn;
    return this;
  }
  /**
  * @deprecated Pass options using the constructor instead:
  * ```ts
  * new fdir(options).crawl("/path/to/root");
  * ```
  * This method will be removed in v7.0
  */
  /* c8 ignore next 4 */
  crawlWithOptions(root, options) {
    this.options = {
      ...this.options,
      ...options
    };
    return new APIBuilder(root || ".", this.options);
  }
  glob(...patterns) {
    if (this.globFunction) return this.globWithOptions(patterns);
    return this.globWithOptions(patterns, ...[{ dot: true }]);
  }
  globWithOptions(patterns, ...options) {
    const globFn = this.globFunction || pm;
    if (!globFn) throw new Error("Please specify a glob function to use glob matching.");
    var isMatch = this.globCache[patterns.join("\0")];
    if (!isMatch) {
      isMatch = globFn(patterns, ...options);
      this.globCache[patterns.join("\0")] = isMatch;
    }
    this.options.filters.push((path4) => isMatch(path4));
    return this;
  }
};

// node_modules/tinyglobby/dist/index.mjs
var import_picomatch = __toESM(require_picomatch2(), 1);
var isReadonlyArray = Array.isArray;
var BACKSLASHES = /\\/g;
var DRIVE_RELATIVE_PATH = /^[A-Za-z]:$/;
var isWin = process.platform === "win32";
var ONLY_PARENT_DIRECTORIES = /^(\/?\.\.)+$/;
function getPartialMatcher(patterns, options = {}) {
  const patternsCount = patterns.length;
  const patternsParts = Array(patternsCount);
  const matchers = Array(patternsCount);
  let i, j;
  for (i = 0; i < patternsCount; i++) {
    const parts = splitPattern(patterns[i]);
    patternsParts[i] = parts;
    const partsCount = parts.length;
    const partMatchers = Array(partsCount);
    for (j = 0; j < partsCount; j++) partMatchers[j] = (0, import_picomatch.default)(parts[j], options);
    matchers[i] = partMatchers;
  }
  return (input) => {
    const inputParts = input.split("/");
    if (inputParts[0] === ".." && ONLY_PARENT_DIRECTORIES.test(input)) return true;
    for (i = 0; i < patternsCount; i++) {
      const patternParts = patternsParts[i];
      const matcher = matchers[i];
      const inputPatternCount = inputParts.length;
      const minParts = Math.min(inputPatternCount, patternParts.length);
      j = 0;
      while (j < minParts) {
        const part = patternParts[j];
        if (part.includes("/")) return true;
        if (!matcher[j](inputParts[j])) break;
        if (!options.noglobstar && part === "**") return true;
        j++;
      }
      if (j === inputPatternCount) return true;
    }
    return false;
  };
}
var WIN32_ROOT_DIR = /^[A-Z]:\/$/i;
var isRoot = isWin ? (p) => WIN32_ROOT_DIR.test(p) : (p) => p === "/";
function buildFormat(cwd, root, absolute) {
  if (cwd === root || root.startsWith(`${cwd}/`)) {
    if (absolute) {
      const start = cwd.length + +!isRoot(cwd);
      return (p, isDir) => p.slice(start, isDir ? -1 : void 0) || ".";
    }
    const prefix = root.slice(cwd.length + 1);
    if (prefix) return (p, isDir) => {
      if (p === ".") return prefix;
      const result = `${prefix}/${p}`;
      return isDir ? result.slice(0, -1) : result;
    };
    return (p, isDir) => isDir && p !== "." ? p.slice(0, -1) : p;
  }
  if (absolute) return (p) => posix.relative(cwd, p) || ".";
  return (p) => posix.relative(cwd, `${root}/${p}`) || ".";
}
function buildRelative(cwd, root) {
  if (root.startsWith(`${cwd}/`)) {
    const prefix = root.slice(cwd.length + 1);
    return (p) => `${prefix}/${p}`;
  }
  return (p) => {
    const result = posix.relative(cwd, `${root}/${p}`);
    return p[p.length - 1] === "/" && result !== "" ? `${result}/` : result || ".";
  };
}
function ensureNonDriveRelativePath(path4) {
  return path4.replace(DRIVE_RELATIVE_PATH, (match) => `${match}/`);
}
var splitPatternOptions = { parts: true };
function splitPattern(path4) {
  var _result$parts;
  const result = import_picomatch.default.scan(path4, splitPatternOptions);
  return ((_result$parts = result.parts) === null || _result$parts === void 0 ? void 0 : _result$parts.length) ? result.parts : [path4];
}
var POSIX_UNESCAPED_GLOB_SYMBOLS = /(?<!\\)([()[\]{}*?|]|^!|[!+@](?=\()|\\(?![()[\]{}!*+?@|]))/g;
var WIN32_UNESCAPED_GLOB_SYMBOLS = /(?<!\\)([()[\]{}]|^!|[!+@](?=\())/g;
var escapePosixPath = (path4) => path4.replace(POSIX_UNESCAPED_GLOB_SYMBOLS, "\\$&");
var escapeWin32Path = (path4) => path4.replace(WIN32_UNESCAPED_GLOB_SYMBOLS, "\\$&");
var escapePath = isWin ? escapeWin32Path : escapePosixPath;
function isDynamicPattern(pattern, options) {
  if ((options === null || options === void 0 ? void 0 : options.caseSensitiveMatch) === false) return true;
  const scan = import_picomatch.default.scan(pattern);
  return scan.isGlob || scan.negated;
}
function log(...tasks) {
  console.log(`[tinyglobby ${(/* @__PURE__ */ new Date()).toLocaleTimeString("es")}]`, ...tasks);
}
function ensureStringArray(value) {
  return typeof value === "string" ? [value] : value !== null && value !== void 0 ? value : [];
}
var PARENT_DIRECTORY = /^(\/?\.\.)+/;
var ESCAPING_BACKSLASHES = /\\(?=[()[\]{}!*+?@|])/g;
function normalizePattern(pattern, opts, props, isIgnore) {
  var _PARENT_DIRECTORY$exe;
  const cwd = opts.cwd;
  let result = pattern;
  if (pattern[pattern.length - 1] === "/") result = pattern.slice(0, -1);
  if (result[result.length - 1] !== "*" && opts.expandDirectories) result += "/**";
  const escapedCwd = escapePath(cwd);
  result = isAbsolute(result.replace(ESCAPING_BACKSLASHES, "")) ? posix.relative(escapedCwd, result) : posix.normalize(result);
  const parentDir = (_PARENT_DIRECTORY$exe = PARENT_DIRECTORY.exec(result)) === null || _PARENT_DIRECTORY$exe === void 0 ? void 0 : _PARENT_DIRECTORY$exe[0];
  const parts = splitPattern(result);
  if (parentDir) {
    const n = (parentDir.length + 1) / 3;
    let i = 0;
    const cwdParts = escapedCwd.split("/");
    while (i < n && parts[i + n] === cwdParts[cwdParts.length + i - n]) {
      result = result.slice(0, (n - i - 1) * 3) + result.slice((n - i) * 3 + parts[i + n].length + 1) || ".";
      i++;
    }
    const potentialRoot = posix.join(cwd, parentDir.slice(i * 3));
    if (potentialRoot[0] !== "." && props.root.length > potentialRoot.length) {
      props.root = ensureNonDriveRelativePath(potentialRoot);
      props.depthOffset = -n + i;
    }
  }
  if (!isIgnore && props.depthOffset >= 0) {
    var _props$commonPath;
    (_props$commonPath = props.commonPath) !== null && _props$commonPath !== void 0 || (props.commonPath = parts);
    const newCommonPath = [];
    const length = Math.min(props.commonPath.length, parts.length);
    for (let i = 0; i < length; i++) {
      const part = parts[i];
      if (part === "**" && !parts[i + 1]) {
        newCommonPath.pop();
        break;
      }
      if (i === parts.length - 1 || part !== props.commonPath[i] || isDynamicPattern(part)) break;
      newCommonPath.push(part);
    }
    props.depthOffset = newCommonPath.length;
    props.commonPath = newCommonPath;
    props.root = ensureNonDriveRelativePath(newCommonPath.length > 0 ? posix.join(cwd, ...newCommonPath) : cwd);
  }
  return result;
}
function processPatterns(options, patterns, props) {
  const matchPatterns = [];
  const ignorePatterns = [];
  for (const pattern of options.ignore) {
    if (!pattern) continue;
    if (pattern[0] !== "!" || pattern[1] === "(") ignorePatterns.push(normalizePattern(pattern, options, props, true));
  }
  for (const pattern of patterns) {
    if (!pattern) continue;
    if (pattern[0] !== "!" || pattern[1] === "(") matchPatterns.push(normalizePattern(pattern, options, props, false));
    else if (pattern[1] !== "!" || pattern[2] === "(") ignorePatterns.push(normalizePattern(pattern.slice(1), options, props, true));
  }
  return {
    match: matchPatterns,
    ignore: ignorePatterns
  };
}
function buildCrawler(options, patterns) {
  const cwd = options.cwd;
  const props = {
    root: cwd,
    depthOffset: 0
  };
  const processed = processPatterns(options, patterns, props);
  if (options.debug) log("internal processing patterns:", processed);
  const { absolute, caseSensitiveMatch, debug, dot, followSymbolicLinks, onlyDirectories } = options;
  const root = props.root.replace(BACKSLASHES, "");
  const matchOptions = {
    dot,
    nobrace: options.braceExpansion === false,
    nocase: !caseSensitiveMatch,
    noextglob: options.extglob === false,
    noglobstar: options.globstar === false,
    posix: true
  };
  const matcher = (0, import_picomatch.default)(processed.match, matchOptions);
  const ignore2 = (0, import_picomatch.default)(processed.ignore, matchOptions);
  const partialMatcher = getPartialMatcher(processed.match, matchOptions);
  const format = buildFormat(cwd, root, absolute);
  const excludeFormatter = absolute ? format : buildFormat(cwd, root, true);
  const excludePredicate = (_, p) => {
    const relativePath = excludeFormatter(p, true);
    return relativePath !== "." && !partialMatcher(relativePath) || ignore2(relativePath);
  };
  let maxDepth;
  if (options.deep !== void 0) maxDepth = Math.round(options.deep - props.depthOffset);
  const crawler = new Builder({
    filters: [debug ? (p, isDirectory) => {
      const path4 = format(p, isDirectory);
      const matches = matcher(path4) && !ignore2(path4);
      if (matches) log(`matched ${path4}`);
      return matches;
    } : (p, isDirectory) => {
      const path4 = format(p, isDirectory);
      return matcher(path4) && !ignore2(path4);
    }],
    exclude: debug ? (_, p) => {
      const skipped = excludePredicate(_, p);
      log(`${skipped ? "skipped" : "crawling"} ${p}`);
      return skipped;
    } : excludePredicate,
    fs: options.fs,
    pathSeparator: "/",
    relativePaths: !absolute,
    resolvePaths: absolute,
    includeBasePath: absolute,
    resolveSymlinks: followSymbolicLinks,
    excludeSymlinks: !followSymbolicLinks,
    excludeFiles: onlyDirectories,
    includeDirs: onlyDirectories || !options.onlyFiles,
    maxDepth,
    signal: options.signal
  }).crawl(root);
  if (options.debug) log("internal properties:", {
    ...props,
    root
  });
  return [crawler, cwd !== root && !absolute && buildRelative(cwd, root)];
}
function formatPaths(paths, mapper) {
  if (mapper) for (let i = paths.length - 1; i >= 0; i--) paths[i] = mapper(paths[i]);
  return paths;
}
var defaultOptions = {
  caseSensitiveMatch: true,
  debug: !!process.env.TINYGLOBBY_DEBUG,
  expandDirectories: true,
  followSymbolicLinks: true,
  onlyFiles: true
};
function getOptions(options) {
  const opts = Object.assign({}, options);
  for (const key in defaultOptions) if (opts[key] === void 0) Object.assign(opts, { [key]: defaultOptions[key] });
  opts.cwd = (opts.cwd instanceof URL ? fileURLToPath(opts.cwd) : resolve2(opts.cwd || process.cwd())).replace(BACKSLASHES, "/");
  opts.ignore = ensureStringArray(opts.ignore);
  opts.fs && (opts.fs = {
    readdir: opts.fs.readdir || readdir,
    readdirSync: opts.fs.readdirSync || readdirSync,
    realpath: opts.fs.realpath || realpath,
    realpathSync: opts.fs.realpathSync || realpathSync,
    stat: opts.fs.stat || stat,
    statSync: opts.fs.statSync || statSync
  });
  if (opts.debug) log("globbing with options:", opts);
  return opts;
}
function getCrawler(globInput, inputOptions = {}) {
  var _ref;
  if (globInput && (inputOptions === null || inputOptions === void 0 ? void 0 : inputOptions.patterns)) throw new Error("Cannot pass patterns as both an argument and an option");
  const isModern = isReadonlyArray(globInput) || typeof globInput === "string";
  const patterns = ensureStringArray((_ref = isModern ? globInput : globInput.patterns) !== null && _ref !== void 0 ? _ref : "**/*");
  const options = getOptions(isModern ? inputOptions : globInput);
  return patterns.length > 0 ? buildCrawler(options, patterns) : [];
}
async function glob(globInput, options) {
  const [crawler, relative2] = getCrawler(globInput, options);
  return crawler ? formatPaths(await crawler.withPromise(), relative2) : [];
}

// src/manifests/render-tools.ts
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
var KUSTOMIZATION_FILES = ["kustomization.yaml", "kustomization.yml", "Kustomization"];
var MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
var runTool = (program, args, cwd) => new Promise((resolve3, reject) => {
  execFile(program, args, { cwd, maxBuffer: MAX_OUTPUT_BYTES, encoding: "utf8" }, (err, stdout, stderr) => {
    if (err) reject(Object.assign(err, { stderr }));
    else resolve3(stdout);
  });
});
function kustomizationFile(dir) {
  return KUSTOMIZATION_FILES.map((name) => path.join(dir, name)).find((file) => existsSync(file));
}
function kustomize(dir, displayFile, run2 = runTool) {
  const where = { input: "manifests", file: displayFile };
  return runOrExplain(run2, "kubectl", ["kustomize", dir], path.dirname(dir), where, {
    missing: `kubectl is not on PATH; it renders the kustomization in ${path.dirname(displayFile)}`,
    failed: "kubectl kustomize failed"
  });
}
function helmTemplateArgs(source) {
  return [
    "template",
    source.release,
    source.chart,
    "--namespace",
    source.namespace,
    ...source.values.flatMap((file) => ["-f", file]),
    ...source.set.flatMap((pair) => ["--set", pair])
  ];
}
async function helmTemplate(source, workspace, displayFile, run2 = runTool) {
  const where = { input: "helm-chart", file: displayFile };
  for (const file of source.values) {
    if (!existsSync(path.resolve(workspace, file)))
      throw new InputError(`values file '${file}' does not exist (in ${workspace})`, {
        input: "helm-values"
      });
  }
  return runOrExplain(run2, "helm", helmTemplateArgs(source), workspace, where, {
    missing: "helm is not on PATH: install it (e.g. azure/setup-helm) or render in an earlier step with 'helm template \u2026 > out.yaml' and pass that file as 'manifests'",
    failed: "helm template failed"
  });
}
async function runOrExplain(run2, program, args, cwd, where, messages) {
  try {
    return await run2(program, args, cwd);
  } catch (err) {
    const e = err;
    if (e.code === "ENOENT") throw new InputError(messages.missing, where);
    const detail = toolMessage(e.stderr ?? "") || e.message;
    throw new InputError(`${messages.failed}: ${detail}`, where);
  }
}
function toolMessage(stderr) {
  const klog = stderr.match(/"command failed" err="(.*)"\s*$/s);
  return (klog ? klog[1].replace(/\\"/g, '"') : stderr).trim();
}

// src/manifests/load.ts
var YAML_FILES = "**/*.{yml,yaml}";
async function loadManifests(patterns, workspace, run2) {
  const files = await resolveManifestFiles(patterns, workspace);
  const objects = [];
  for (const file of files) {
    const shown = displayPath(file, workspace);
    if (KUSTOMIZATION_FILES.includes(path2.basename(file))) {
      objects.push(...parseRendered(await kustomize(path2.dirname(file), shown, run2), shown));
      continue;
    }
    objects.push(...parseManifests(await readFile(file, "utf8"), shown));
  }
  if (objects.length === 0) {
    const names = files.map((f) => displayPath(f, workspace));
    throw new InputError(
      `no Kubernetes objects in ${names.join(", ")}: the file${names.length > 1 ? "s are" : " is"} empty`,
      {
        input: "manifests",
        file: names[0]
      }
    );
  }
  return objects;
}
async function resolveManifestFiles(patterns, workspace) {
  const files = [];
  const add = (file) => {
    if (!files.includes(file)) files.push(file);
  };
  for (const pattern of patterns) {
    if (isDynamicPattern(pattern)) {
      const matches = await glob([pattern], { cwd: workspace, absolute: true, onlyFiles: true, dot: false });
      if (matches.length === 0)
        throw new InputError(`'${pattern}' matches no files (in ${workspace})`, { input: "manifests" });
      refuseNestedKustomization(pattern, matches, workspace);
      matches.sort().forEach(add);
      continue;
    }
    const full = path2.resolve(workspace, pattern);
    const info2 = await stat2(full).catch(() => void 0);
    if (!info2)
      throw new InputError(`'${pattern}' does not exist (looked for ${full})`, { input: "manifests" });
    const kustomization = info2.isDirectory() ? kustomizationFile(full) : void 0;
    if (kustomization) add(kustomization);
    else if (info2.isDirectory()) {
      const matches = await glob([YAML_FILES], { cwd: full, absolute: true, onlyFiles: true });
      refuseNestedKustomization(pattern, matches, workspace);
      if (matches.length === 0)
        throw new InputError(`directory '${pattern}' holds no .yml or .yaml files`, { input: "manifests" });
      matches.sort().forEach(add);
    } else add(full);
  }
  return files;
}
function refuseNestedKustomization(pattern, matches, workspace) {
  const nested = matches.find((file2) => KUSTOMIZATION_FILES.includes(path2.basename(file2)));
  if (!nested) return;
  const file = displayPath(nested, workspace);
  throw new InputError(
    `'${pattern}' takes in the kustomization ${file}: name its directory (${path2.posix.dirname(file)}) in 'manifests' to render it with kubectl kustomize`,
    { input: "manifests", file }
  );
}
function parseManifests(text, file) {
  const objects = [];
  for (const doc of parseYaml(text, "kubernetes", { input: "manifests", file })) {
    const { value, line } = doc;
    if (value === null || value === void 0) continue;
    if (isPlainObject(value) && value.kind === "List" && Array.isArray(value.items)) {
      value.items.forEach((item, i) => {
        const itemLine = doc.lineOf(value.items, i) ?? line;
        objects.push(withFieldLines(checkObject(item, file, itemLine), doc, ["items", i]));
      });
      continue;
    }
    objects.push(withFieldLines(checkObject(value, file, line), doc));
  }
  return objects;
}
function parseRendered(text, file) {
  try {
    return parseManifests(text, file).map(({ object }) => ({ object, file }));
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const plain = err.message.slice(formatLocated("", err.location).length);
    throw new InputError(`rendered output line ${err.location.line}: ${plain}`, {
      input: err.location.input,
      file
    });
  }
}
var FIELD_LINE_GROUPS = ["argoproj.io/"];
function withFieldLines(sourced, doc, prefix = []) {
  if (!FIELD_LINE_GROUPS.some((g) => sourced.object.apiVersion.startsWith(g))) return sourced;
  const lineOf = (path4) => {
    const full = [...prefix, ...path4];
    let container = doc.value;
    for (const step of full.slice(0, -1)) {
      if (container === null || typeof container !== "object") return void 0;
      container = container[step];
    }
    return full.length ? doc.lineOf(container, full.at(-1)) : doc.lineOf(container);
  };
  return { ...sourced, lineOf };
}
function checkObject(value, file, line) {
  const where = { input: "manifests", file, line };
  if (!isPlainObject(value))
    throw new InputError(
      `expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? "a list" : typeof value}`,
      where
    );
  const missing = [];
  if (typeof value.apiVersion !== "string" || !value.apiVersion) missing.push("apiVersion");
  if (typeof value.kind !== "string" || !value.kind) missing.push("kind");
  const metadata = value.metadata;
  if (!isPlainObject(metadata) || typeof metadata.name !== "string" || !metadata.name)
    missing.push("metadata.name");
  if (isPlainObject(metadata) && metadata.name !== void 0 && metadata.name !== null && typeof metadata.name !== "string") {
    const kind = typeof value.kind === "string" ? `${value.kind} object` : "object";
    throw new InputError(
      `${kind}: metadata.name must be a string, got ${typeof metadata.name} ${String(metadata.name)} (quote it)`,
      where
    );
  }
  if (missing.length) {
    const what = typeof value.kind === "string" ? `${value.kind} object` : "object";
    throw new InputError(`${what} has no ${missing.join(", ")}`, where);
  }
  return { object: value, file, line };
}
function displayPath(file, workspace) {
  const rel = path2.relative(workspace, file);
  return rel && !rel.startsWith("..") && !path2.isAbsolute(rel) ? rel.split(path2.sep).join("/") : file;
}

// src/manifests/sources.ts
import { existsSync as existsSync2 } from "node:fs";
import path3 from "node:path";
async function loadReleaseObjects(sources, run2) {
  const objects = sources.manifests.length ? await loadManifests(sources.manifests, sources.workspace, run2) : [];
  if (!sources.helm) return objects;
  const { chart, values, set } = sources.helm;
  const release = sources.name ?? path3.basename(chart.replace(/\/+$/, ""));
  const chartFile = path3.posix.join(chart, "Chart.yaml");
  const shown = existsSync2(path3.resolve(sources.workspace, chartFile)) ? chartFile : chart;
  const source = { chart, release, namespace: sources.namespace, values, set };
  const text = await helmTemplate(source, sources.workspace, shown, run2);
  return [...objects, ...parseRendered(text, shown)];
}

// src/manifests/name-limits.ts
var at = (s) => ({ input: "manifests", file: s.file, line: s.line });
var nameOf = (o) => o.metadata.name ?? "";
function checkReleaseName(set, config) {
  const first = set.workloads[0];
  const name = first ? nameOf(first.object) : "";
  if (config.name || !first || name.length <= MAX_RELEASE_NAME) return [];
  return [
    new InputError(
      `${first.object.kind} ${name}: its name (${name.length} characters) would be the release's name, which may have at most ${MAX_RELEASE_NAME} (it is the value of label kube-rollout.io/release on ConfigMap, Secret and Lease kube-rollout-<name>); set the 'name' input to a shorter one`,
      at(first)
    )
  ];
}

// src/manifests/release-set.ts
async function loadReleaseSet(config, opts = {}) {
  if (config.manifests.length === 0 && !config.helm) return void 0;
  const loaded = await loadReleaseObjects(config);
  opts.onLoaded?.(loaded);
  const translated = opts.translate?.(loaded) ?? { objects: loaded, config, notes: [] };
  const { objects, notes } = translated;
  config = translated.config;
  const set = renderManifests(objects, {
    images: config.images,
    namespace: config.namespace,
    version: config.version,
    versionLabel: config.versionLabel,
    changeCause: { commit: opts.commit, runUrl: opts.runUrl },
    versionedConfig: config.versionedConfig
  });
  const references = checkReferences(set);
  const errors = [...references.errors, ...checkReleaseName(set, config)];
  const { warnings } = references;
  if (errors.length) throw errors.length === 1 ? errors[0] : new InputErrors(errors);
  return { set, warnings, config, notes };
}

// src/main.ts
async function run(cancel) {
  const saved = mainStepState(saveState);
  saved.started();
  const inputs = readInputs((n) => getInput(n));
  const facts = { inputs, redactor: createRedactor(), wrote: false };
  const github = readGitHubContext(process.env, (m) => warning(m));
  try {
    await runAction(facts, github, cancel.signal, saved);
  } catch (err) {
    await reportStopped(facts, err, cancel.signal);
  } finally {
    saved.finished();
  }
}
async function runAction(facts, github, signal, saved) {
  const { config, manifests } = await readSetup(facts, github);
  Object.assign(facts, { config, ...manifests ? { manifests } : {} });
  const cluster = loadCluster(
    config,
    facts.redactor,
    (info2) => info(`retrying the Kubernetes API: ${JSON.stringify(info2)}`)
  );
  const reporters = createReporters({
    config,
    github,
    summary,
    setOutput,
    warn: (m) => warning(m),
    info: (m) => info(m)
  });
  const holder = holderId();
  const deps = {
    config,
    cluster,
    ...manifests ? { manifests } : {},
    log: createLogger(facts.redactor),
    signal,
    providers: providerTable(),
    holder,
    runUrl: github.runUrl,
    ...github.run ? { workflowRun: github.run } : {},
    commit: github.headSha ?? github.sha,
    // Reporters see the record with secrets redacted; the GitHub links they hand back (deployment,
    // PR comment) are kept in the release's history, so the next state save carries them to a later job.
    onProgress: (record2) => reporters.progress(redactRecord(record2, facts.redactor)),
    onStarted: (name) => {
      facts.wrote = true;
      saved.releaseStarting(name, holder);
    },
    // In place, like the reporters' copy: what is stored is what is reported.
    redactRecord: (record2) => redactRecord(record2, facts.redactor),
    redact: (text) => facts.redactor.redact(text)
  };
  if (config.action === "plan") {
    const plan = await planRelease(deps);
    await reporters.plan(plan);
    info(renderPlanReport(plan));
    return;
  }
  const record = await ACTIONS[config.action](deps);
  await reporters.final(redactRecord(record, facts.redactor));
  conclude(config, record);
}
var ACTIONS = {
  deploy,
  promote,
  rollback,
  status
};
async function readSetup(facts, github) {
  const { redactor, inputs } = facts;
  let read = readConfig(inputs, process.env);
  const build2 = (settings) => (read = readConfig(inputs, process.env, settings)).config;
  const loading = readConfig(inputsForLoading(inputs), process.env).config;
  redactor.add(credentialValues(read.config));
  const manifestProblems = [];
  const loaded = await renderedManifests(loading, redactor, {
    commit: github.headSha ?? github.sha,
    runUrl: github.runUrl,
    translate: (objects) => releaseFromArgo(objects, loading.namespace, build2)
  }).catch((err) => {
    if (!(err instanceof InputError)) throw err;
    manifestProblems.push(...err instanceof InputErrors ? err.errors : [err]);
    return void 0;
  });
  const { config, errors } = read;
  redactor.add(credentialValues(config));
  const problems = [...errors, ...manifestProblems];
  if (problems.length) throw problems.length === 1 ? problems[0] : new InputErrors(problems);
  return { config, manifests: loaded?.manifests };
}
async function renderedManifests(config, redactor, opts) {
  const loaded = await loadReleaseSet(config, {
    ...opts,
    // Masked before anything about the manifests is printed.
    onLoaded: (objects) => redactor.add(objects.flatMap((o) => secretValuesOf(o.object)))
  });
  for (const note of loaded?.notes ?? []) info(note);
  for (const w of loaded?.warnings ?? [])
    warning(w.message, annotationAt(w, "kube-rollout: manifest warning"));
  return { manifests: loaded?.set, config: loaded?.config };
}
async function reportStopped(facts, err, signal) {
  const { redactor, config } = facts;
  const problems = problemsOf(err, redactor);
  const action = config?.action ?? facts.inputs.action ?? "deploy";
  if (err instanceof InputError) {
    for (const e of err instanceof InputErrors ? err.errors : [err]) error(e.message, annotationAt(e));
  } else if (action === "status") {
    warning(`could not read the release's status: ${problems[0]}`);
  } else {
    error(problems[0]);
  }
  const cancelled = signal.aborted;
  await reportStoppedRun({
    ...config ? { app: appName(facts) } : {},
    action,
    kind: cancelled ? "cancelled" : !facts.wrote ? "refused" : "stopped",
    problems: cancelled ? ["the workflow was cancelled before the release began: nothing was changed"] : problems,
    inputs: inputsForReport(facts.inputs, redactor)
  });
  if (action === "status") return;
  setOutput("result", "failed");
  process.exitCode = ExitCode.Failure;
}
function appName(facts) {
  try {
    return releaseName(facts.config, facts.manifests);
  } catch {
    return void 0;
  }
}
function conclude(config, record) {
  info(`result: ${record.result}${record.rollbackReason ? ` \u2014 ${record.rollbackReason}` : ""}`);
  if (config.action === "status") return;
  const requested = config.action === "rollback" && record.result === "rolled-back";
  if (record.result === "rolled-back" && !requested || record.result === "failed") {
    setFailed(`release ${record.result}: ${record.rollbackReason ?? "see the summary"}`);
  }
}
export {
  run
};

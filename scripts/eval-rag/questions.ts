/**
 * The retrieval quality suite's questions (`npm run eval:rag`), over the corpus in ./corpus.
 *
 * Written by reading the documents, before retrieval was tuned, the way developers ask:
 * - `lexical`: names the identifier, option, flag or error code the answer is about;
 * - `paraphrase`: describes the need in other words; it does not reuse the distinctive words of
 *   the answering passage (an option name, the term the passage is built around), though it may
 *   name the library;
 * - `confusable`: the answer is in one of several near neighbours (packages doing similar things,
 *   or undici's many documents), and a detail decides which.
 *
 * `gold` lists every document that answers the question (any one of them counts as found);
 * `evidence` is a quote from the first one that answers it, which a test checks is in its text
 * (with whitespace runs collapsed). A question is only ever changed to correct a fact (a missing
 * gold document, a wrong quote), never to make a retriever look better.
 */
export type QuestionKind = 'lexical' | 'paraphrase' | 'confusable';

export interface Question {
  id: string;
  kind: QuestionKind;
  question: string;
  /** Document ids (corpus/manifest.json) that answer it. */
  gold: string[];
  /** A quote from `gold[0]` that answers the question. */
  evidence: string;
}

export const QUESTION_KINDS: readonly QuestionKind[] = ['lexical', 'paraphrase', 'confusable'];

export const QUESTIONS: Question[] = [
  {
    id: 'l001',
    kind: 'lexical',
    question: 'What does opts.stopEarly do in minimist?',
    gold: ['minimist'],
    evidence: '`opts.stopEarly` - when true, populate `argv._` with everything after the first non-option',
  },
  {
    id: 'l002',
    kind: 'lexical',
    question: 'What does limit.clearQueue() do in p-limit?',
    gold: ['p-limit'],
    evidence: 'Discard pending promises that are waiting to run.',
  },
  {
    id: 'l003',
    kind: 'lexical',
    question: 'Why does undici reject a request with UND_ERR_REQ_RETRY instead of retrying it?',
    gold: ['undici/docs/docs/api/RetryHandler.md'],
    evidence: 'will not retry the request rejecting with the error `UND_ERR_REQ_RETRY`',
  },
  {
    id: 'l004',
    kind: 'lexical',
    question: 'What does the --rtl flag do in the semver CLI?',
    gold: ['semver'],
    evidence: 'Coerce version strings right to left',
  },
  {
    id: 'l005',
    kind: 'lexical',
    question: 'What does uuid.NIL return?',
    gold: ['uuid'],
    evidence: 'The nil UUID string (all zeros).',
  },
  {
    id: 'l006',
    kind: 'lexical',
    question:
      'How do I enable debug output for everything except one namespace with the DEBUG variable on Windows PowerShell?',
    gold: ['debug'],
    evidence: '$env:DEBUG = "*,-not_this"',
  },
  {
    id: 'l007',
    kind: 'lexical',
    question: "What does mime.contentType('file.json') return?",
    gold: ['mime-types'],
    evidence: "mime.contentType('file.json') // 'application/json; charset=utf-8'",
  },
  {
    id: 'l008',
    kind: 'lexical',
    question: 'What does the clientTtl option of an undici Pool do?',
    gold: ['undici/docs/docs/api/Pool.md', 'undici/docs/docs/api/RoundRobinPool.md'],
    evidence: 'The amount of time before a `Client` instance is removed from the `Pool` and closed.',
  },
  {
    id: 'l009',
    kind: 'lexical',
    question: "When does undici's Agent throw MaxOriginsReachedError?",
    gold: ['undici/docs/docs/api/Agent.md'],
    evidence:
      'Limits the total number of origins that can receive requests at a time, throwing an `MaxOriginsReachedError` error when attempting to dispatch when the max is reached.',
  },
  {
    id: 'l010',
    kind: 'lexical',
    question: 'What does the undici error code UND_ERR_HEADERS_OVERFLOW mean?',
    gold: ['undici/docs/docs/api/Errors.md'],
    evidence: "socket is destroyed due to headers' max size being exceeded.",
  },
  {
    id: 'l011',
    kind: 'lexical',
    question: "What is the default maxEntrySize of undici's MemoryCacheStore?",
    gold: ['undici/docs/docs/api/CacheStore.md'],
    evidence: 'Default `5242880` (5MB).',
  },
  {
    id: 'l012',
    kind: 'lexical',
    question: 'How do I parse TOML integers larger than 53 bits with smol-toml?',
    gold: ['smol-toml'],
    evidence: 'const parsed = parse(doc, { integersAsBigInt: true })',
  },
  {
    id: 'l013',
    kind: 'lexical',
    question: "What is the default max number of expansions in brace-expansion's expand()?",
    gold: ['brace-expansion'],
    evidence: 'This is limited to `100_000` by default, to prevent DoS attacks.',
  },
  {
    id: 'l014',
    kind: 'lexical',
    question: 'What does z.compile(schema) do in zod?',
    gold: ['zod'],
    evidence: 'returns a schema clone with an ahead-of-time compiled fast path.',
  },
  {
    id: 'l015',
    kind: 'lexical',
    question: 'How do I get the x-request-id of a response from the OpenAI Node SDK?',
    gold: ['openai'],
    evidence:
      'All object responses in the SDK provide a `_request_id` property which is added from the `x-request-id` response header',
  },
  {
    id: 'l016',
    kind: 'lexical',
    question: 'What is the default spinner of ora and which one does it always use on Windows?',
    gold: ['ora'],
    evidence: 'On Windows, it will always use the `line` spinner',
  },
  {
    id: 'l017',
    kind: 'lexical',
    question: 'What is the default width of word-wrap?',
    gold: ['word-wrap'],
    evidence: 'Default: `50`',
  },
  {
    id: 'l018',
    kind: 'lexical',
    question:
      'In magic-string, do the character indices passed to s.update refer to the original string or to the edited one?',
    gold: ['magic-string'],
    evidence: 'character indices always refer to the original string',
  },
  {
    id: 'l019',
    kind: 'lexical',
    question: 'What is hideBin in yargs a shorthand for?',
    gold: ['yargs'],
    evidence: '`hideBin` is a shorthand for [`process.argv.slice(2)`]',
  },
  {
    id: 'l020',
    kind: 'lexical',
    question: 'What does the updateFiles option of y18n control?',
    gold: ['y18n'],
    evidence: '`updateFiles`: should newly observed strings be updated in file, default `true`.',
  },
  {
    id: 'l021',
    kind: 'lexical',
    question: 'What does the -p/--pipelining option of autocannon set?',
    gold: ['autocannon'],
    evidence: 'The number of pipelined requests to use. default: 1.',
  },
  {
    id: 'l022',
    kind: 'lexical',
    question: 'What is the default keepAliveTimeout of an undici Client?',
    gold: ['undici/docs/docs/api/Client.md'],
    evidence:
      'Default: `4e3` - The timeout, in milliseconds, after which a socket without active requests will time out.',
  },
  {
    id: 'l023',
    kind: 'lexical',
    question: "How do I disable keep-alive connections with the pipelining option of undici's Client?",
    gold: ['undici/docs/docs/api/Client.md'],
    evidence: 'Set to `0` to disable keep-alive connections.',
  },
  {
    id: 'l024',
    kind: 'lexical',
    question: 'When is the undici:client:beforeConnect diagnostics channel published?',
    gold: ['undici/docs/docs/api/DiagnosticsChannel.md'],
    evidence: 'This message is published before creating a new connection for **any** request.',
  },
  {
    id: 'l025',
    kind: 'lexical',
    question: "What modes does undici's SnapshotAgent support?",
    gold: ['undici/docs/docs/api/SnapshotAgent.md'],
    evidence: "The snapshot mode: `'record'`, `'playback'`, or `'update'`. Default: `'record'`",
  },
  {
    id: 'l026',
    kind: 'lexical',
    question: 'What is the default maxRedirects in follow-redirects?',
    gold: ['follow-redirects'],
    evidence:
      '`maxRedirects` (default: `21`) – sets the maximum number of allowed redirects; if exceeded, an error will be emitted.',
  },
  {
    id: 'l027',
    kind: 'lexical',
    question: 'What does getProxyForUrl from proxy-from-env return when no proxy is configured?',
    gold: ['proxy-from-env'],
    evidence: 'If no proxy is set, an empty string is returned.',
  },
  {
    id: 'l028',
    kind: 'lexical',
    question: 'How do I raise the maxDataSize limit of form-data?',
    gold: ['form-data'],
    evidence: 'var form = new FormData({ maxDataSize: 20971520 });',
  },
  {
    id: 'l029',
    kind: 'lexical',
    question: 'What is the difference between <%= %> and <%- %> in EJS?',
    gold: ['ejs'],
    evidence: 'Unescaped raw output with `<%- %>`',
  },
  {
    id: 'l030',
    kind: 'lexical',
    question: 'When does resolve fail with the INVALID_BASEDIR error code?',
    gold: ['resolve'],
    evidence: "`INVALID_BASEDIR`: the specified `opts.basedir` doesn't exist, or is not a directory",
  },
  {
    id: 'l031',
    kind: 'lexical',
    question: "Which properties on acorn's SyntaxError tell me where the parse error happened?",
    gold: ['acorn'],
    evidence:
      'The error object will have a `pos` property that indicates the string offset at which the error occurred, and a `loc` object that contains a `{line, column}` object referring to that same position.',
  },
  {
    id: 'l032',
    kind: 'lexical',
    question: 'How do I skip a subtree in estraverse with VisitorOption.Skip or this.skip?',
    gold: ['estraverse'],
    evidence:
      'We can use `this.skip`, `this.remove` and `this.break` functions instead of using Skip, Remove and Break.',
  },
  {
    id: 'l033',
    kind: 'lexical',
    question: 'What does the nodejsScope option of eslint-scope do?',
    gold: ['eslint-scope'],
    evidence:
      '`nodejsScope` (default: `false`) - Set to `true` to create a top-level function scope needed for CommonJS evaluation.',
  },
  {
    id: 'l034',
    kind: 'lexical',
    question: "What does the override option of dotenv's config() do?",
    gold: ['dotenv'],
    evidence:
      'Override any environment variables that have already been set on your machine with values from your .env file(s).',
  },
  {
    id: 'l035',
    kind: 'lexical',
    question:
      'How do I make an undici MockPool interceptor reply to every matching request instead of only once?',
    gold: ['undici/docs/docs/api/MockPool.md'],
    evidence: "}).reply(200, 'foo').persist()",
  },
  {
    id: 'l036',
    kind: 'lexical',
    question: "What does undici's install() function put on globalThis?",
    gold: [
      'undici/docs/docs/api/GlobalInstallation.md',
      'undici/docs/docs/best-practices/undici-vs-builtin-fetch.md',
    ],
    evidence:
      'Undici provides an `install()` function to add all WHATWG fetch classes to `globalThis`, making them available globally without requiring imports.',
  },
  {
    id: 'l037',
    kind: 'lexical',
    question: 'Which undici class talks HTTP/2 over cleartext (h2c) to a server?',
    gold: ['undici/docs/docs/api/H2CClient.md'],
    evidence: 'A basic H2C client.',
  },
  {
    id: 'l038',
    kind: 'lexical',
    question:
      'Which Buffer call in safe-buffer creates a zero-filled buffer, and which one leaves memory uninitialised?',
    gold: ['safe-buffer'],
    evidence: 'Buffer.alloc(16) // create a zero-filled buffer (safe)',
  },
  {
    id: 'l039',
    kind: 'lexical',
    question: 'What does TS_NODE_BASEURL do with tsconfig-paths/register?',
    gold: ['tsconfig-paths'],
    evidence:
      'If `process.env.TS_NODE_BASEURL` is set it will override the value of `baseUrl` in tsconfig.json',
  },
  {
    id: 'l040',
    kind: 'lexical',
    question: 'What does URI.normalize do with an IPv4 address like 192.068.001.000 in uri-js?',
    gold: ['uri-js'],
    evidence: 'URI.normalize("//192.068.001.000") === "//192.68.1.0"',
  },
  {
    id: 'l041',
    kind: 'lexical',
    question: 'Which convert-source-map function reads an inline base64 sourceMappingURL comment?',
    gold: ['convert-source-map'],
    evidence: ".fromComment('//# sourceMappingURL=data:application/json;base64,",
  },
  {
    id: 'p001',
    kind: 'paraphrase',
    question:
      'How can I turn a human-readable duration like "2 days" into a number I can hand to setTimeout?',
    gold: ['ms'],
    evidence: 'Use this package to easily convert various time formats to milliseconds.',
  },
  {
    id: 'p002',
    kind: 'paraphrase',
    question:
      "Which minimist release should I be on so that attacker-controlled arguments can't tamper with every object's shared properties?",
    gold: ['minimist'],
    evidence: 'Please use version 1.2.6 or later',
  },
  {
    id: 'p003',
    kind: 'paraphrase',
    question: 'How do I make sure no more than three of my async jobs are in flight at the same time?',
    gold: ['p-limit', 'p-queue'],
    evidence: 'Run multiple promise-returning & async functions with limited concurrency',
  },
  {
    id: 'p004',
    kind: 'paraphrase',
    question:
      'What is a faster alternative to taking items off the front of a huge JavaScript array one at a time?',
    gold: ['yocto-queue'],
    evidence:
      'You should use this package instead of an array if you do a lot of `Array#push()` and `Array#shift()` on large arrays',
  },
  {
    id: 'p005',
    kind: 'paraphrase',
    question: 'When undici tries a failed request again, which server responses make it do so by default?',
    gold: ['undici/docs/docs/api/RetryHandler.md', 'undici/docs/docs/api/RetryAgent.md'],
    evidence: 'Default: `[429, 500, 502, 503, 504]`',
  },
  {
    id: 'p006',
    kind: 'paraphrase',
    question: 'How can I use the colors package without it adding getters onto every string?',
    gold: ['@colors/colors'],
    evidence: "or a slightly less nifty way which doesn't extend `String.prototype`",
  },
  {
    id: 'p007',
    kind: 'paraphrase',
    question:
      'My CLI prints colored text with kleur, but when I redirect the output into a file the colors vanish. How do I keep them?',
    gold: ['kleur'],
    evidence: '$ FORCE_COLOR=1 node app.js > log.txt #=> COLORS',
  },
  {
    id: 'p008',
    kind: 'paraphrase',
    question:
      "Why won't a version range pick up beta builds of a later major release even though they sort higher?",
    gold: ['semver'],
    evidence:
      'it will only be allowed to satisfy comparator sets if at least one comparator with the same `[major, minor, patch]` tuple also has a prerelease tag.',
  },
  {
    id: 'p009',
    kind: 'paraphrase',
    question:
      'How do I generate an ID that is always the same for the same input string, instead of a random one?',
    gold: ['uuid'],
    evidence: 'Create a version 5 (namespace w/ SHA-1) UUID',
  },
  {
    id: 'p010',
    kind: 'paraphrase',
    question: 'How do I keep scripts running in the page from reading a cookie my server sets?',
    gold: ['cookie'],
    evidence:
      'When enabled, clients will not allow client-side JavaScript to see the cookie in `document.cookie`.',
  },
  {
    id: 'p011',
    kind: 'paraphrase',
    question: "How can I tell a browser to throw away a cookie, using undici's header helpers?",
    gold: ['undici/docs/docs/api/Cookies.md'],
    evidence:
      'Sets the expiry time of the cookie to the unix epoch, causing browsers to delete it when received.',
  },
  {
    id: 'p012',
    kind: 'paraphrase',
    question:
      'How do I get undici to log each connection it opens and every request it sends while I troubleshoot?',
    gold: ['undici/docs/docs/api/Debug.md'],
    evidence: 'exposes a debug statement that can be enabled by setting `NODE_DEBUG` within the environment.',
  },
  {
    id: 'p013',
    kind: 'paraphrase',
    question: 'Can undici keep its HTTP cache in a file on disk so that it survives restarts?',
    gold: ['undici/docs/docs/api/CacheStore.md'],
    evidence: 'The `SqliteCacheStore` stores the responses in a SQLite database.',
  },
  {
    id: 'p014',
    kind: 'paraphrase',
    question:
      'In tests, how do I make undici answer requests with canned replies instead of going over the network?',
    gold: [
      'undici/docs/docs/api/MockAgent.md',
      'undici/docs/docs/best-practices/mocking-request.md',
      'undici/docs/docs/api/MockPool.md',
      'undici/docs/docs/api/MockClient.md',
    ],
    evidence:
      'It allows one to intercept HTTP requests made through undici and return mocked responses instead.',
  },
  {
    id: 'p015',
    kind: 'paraphrase',
    question:
      'Which config file format tolerates an extra separator after the last element, and keys without quotes?',
    gold: ['json5'],
    evidence: 'Objects may have a single trailing comma.',
  },
  {
    id: 'p016',
    kind: 'paraphrase',
    question: 'Why does a value like 1.0 turn into 1 after I parse a TOML file and write it back?',
    gold: ['smol-toml'],
    evidence: "By default, floats will be serialized as integers if they don't have a decimal part.",
  },
  {
    id: 'p017',
    kind: 'paraphrase',
    question: 'Is it safe to let visitors of my site supply the wildcard expressions my file matcher runs?',
    gold: ['minimatch'],
    evidence: 'this or any extant glob matcher in JavaScript, you will be',
  },
  {
    id: 'p018',
    kind: 'paraphrase',
    question:
      'How do I expand a numeric range with an increment, like every second number from 0 to 4, inside a filename template?',
    gold: ['brace-expansion'],
    evidence: "expand('file{0..4..2}.jpg')",
  },
  {
    id: 'p019',
    kind: 'paraphrase',
    question:
      'Given a wildcard pattern such as src/**/*.ts, how do I get the fixed directory prefix in front of the wildcards?',
    gold: ['glob-parent'],
    evidence: 'Takes a string and returns the part of the path before the glob begins.',
  },
  {
    id: 'p020',
    kind: 'paraphrase',
    question: 'How do I make a scratch file that cleans itself up when my Node program ends?',
    gold: ['tmp'],
    evidence: 'You can set whether you want to remove the temporary file on process exit or not.',
  },
  {
    id: 'p021',
    kind: 'paraphrase',
    question:
      'Which web framework lets one codebase run unchanged on edge platforms and on several server-side JavaScript engines?',
    gold: ['hono'],
    evidence:
      'It works on any JavaScript runtime: Cloudflare Workers, Fastly Compute, Deno, Bun, Vercel, AWS Lambda, Lambda@Edge, and Node.js.',
  },
  {
    id: 'p022',
    kind: 'paraphrase',
    question: 'How long will the OpenAI SDK wait for an answer before giving up on a request?',
    gold: ['openai'],
    evidence: 'Requests time out after 10 minutes by default.',
  },
  {
    id: 'p023',
    kind: 'paraphrase',
    question: 'How can a Claude agent built with LangChain remember things between separate chats?',
    gold: ['@langchain/anthropic'],
    evidence:
      'enables Claude to store and retrieve information across conversations through a memory file directory.',
  },
  {
    id: 'p024',
    kind: 'paraphrase',
    question: 'Starting npm as a child process works on my Mac but not on Windows. Is there a drop-in fix?',
    gold: ['cross-spawn'],
    evidence: 'It ignores [PATHEXT](https://github.com/joyent/node/issues/2318)',
  },
  {
    id: 'p025',
    kind: 'paraphrase',
    question:
      "How can my command-line tool pop up a web page in the user's usual browser, whatever their OS?",
    gold: ['open'],
    evidence: 'It uses the command `open` on macOS, `start` on Windows and `xdg-open` on other platforms.',
  },
  {
    id: 'p026',
    kind: 'paraphrase',
    question: 'How do I show how long is left in a text-mode bar that fills up as work completes?',
    gold: ['progress'],
    evidence: '`:eta` estimated completion time in seconds',
  },
  {
    id: 'p027',
    kind: 'paraphrase',
    question:
      'My error output shows line numbers from the compiled bundle. How do I get the lines of my original files instead?',
    gold: ['source-map-support', '@cspotcode/source-map-support'],
    evidence: 'This module provides source map support for stack traces in node via the [V8 stack trace API]',
  },
  {
    id: 'p028',
    kind: 'paraphrase',
    question:
      'I want to tweak a few characters of some code and still get a mapping back to the original positions. Which tool is meant for that?',
    gold: ['magic-string'],
    evidence: "It's a small, fast utility for manipulating strings and generating sourcemaps.",
  },
  {
    id: 'p029',
    kind: 'paraphrase',
    question:
      "What's a safe way to check that a key belongs to the object itself, even in very old JavaScript engines?",
    gold: ['hasown'],
    evidence: 'A robust, ES3 compatible, "has own property" predicate.',
  },
  {
    id: 'p030',
    kind: 'paraphrase',
    question:
      "Very old browsers lack a way to fix a function's this value ahead of time. Which package fills that gap?",
    gold: ['function-bind'],
    evidence:
      "Old versions of phantomjs, Internet Explorer < 9, and node < 0.6 don't support `Function.prototype.bind`.",
  },
  {
    id: 'p031',
    kind: 'paraphrase',
    question:
      'Which library lets me declare subcommands and flags for my CLI and prints a usage screen automatically?',
    gold: ['yargs'],
    evidence:
      'Yargs helps you build interactive command line tools, by parsing arguments and generating an elegant user interface.',
  },
  {
    id: 'p032',
    kind: 'paraphrase',
    question:
      'How do I pick the singular or plural wording of a message from a count, with the translation helper yargs uses?',
    gold: ['y18n'],
    evidence: 'Print a localized string with appropriate pluralization.',
  },
  {
    id: 'p033',
    kind: 'paraphrase',
    question: 'How can a listener get a custom this value without me creating a bound copy of the function?',
    gold: ['eventemitter3'],
    evidence: 'Support for custom context for events so there is no need to use `fn.bind`.',
  },
  {
    id: 'p034',
    kind: 'paraphrase',
    question:
      'I want one promise-based key/value API that can sit on top of Redis, SQLite or a Map, with entries that expire. What fits?',
    gold: ['keyv'],
    evidence:
      'Keyv provides a consistent interface for key-value storage across multiple backends via storage adapters.',
  },
  {
    id: 'p035',
    kind: 'paraphrase',
    question:
      'Which command-line tool here can fire lots of concurrent HTTP requests at my server to measure its throughput?',
    gold: ['autocannon'],
    evidence: 'An HTTP/1.1 benchmarking tool written in node, greatly inspired by [wrk][wrk]',
  },
  {
    id: 'p036',
    kind: 'paraphrase',
    question:
      'My script finished its work but the process never exits. How can I see what is still holding it open?',
    gold: ['why-is-node-running'],
    evidence: 'logs out active handles that are keeping node running',
  },
  {
    id: 'p037',
    kind: 'paraphrase',
    question: 'How do I find out whether a port is taken and get a free one to listen on instead?',
    gold: ['detect-port'],
    evidence: 'console.log(`port: ${port} was occupied, try port: ${realPort}`);',
  },
  {
    id: 'p038',
    kind: 'paraphrase',
    question: "How do I get this computer's network hardware address and its local IP from Node?",
    gold: ['address'],
    evidence: 'Get current machine IPv4, IPv6, MAC and DNS servers.',
  },
  {
    id: 'p039',
    kind: 'paraphrase',
    question:
      'How do I build a request body with form fields and a file from disk, to upload from Node to another web app?',
    gold: ['form-data'],
    evidence:
      'A library to create readable ```"multipart/form-data"``` streams. Can be used to submit forms and file uploads to other web applications.',
  },
  {
    id: 'p040',
    kind: 'paraphrase',
    question: 'Which template engine deliberately leaves out conditionals and iteration constructs?',
    gold: ['mustache'],
    evidence: 'We call it "logic-less" because there are no if statements, else clauses, or for loops.',
  },
  {
    id: 'p041',
    kind: 'paraphrase',
    question:
      'How can I find where require() would load a module from, as if I were calling it from some other directory?',
    gold: ['resolve'],
    evidence:
      'implements the [node `require.resolve()` algorithm](https://nodejs.org/api/modules.html#modules_all_together) such that you can `require.resolve()` on behalf of a file asynchronously and synchronously',
  },
  {
    id: 'p042',
    kind: 'paraphrase',
    question:
      'How can my tool load its settings from package.json, an rc file or a .config.js, looking upward from the current folder?',
    gold: ['cosmiconfig'],
    evidence:
      'Cosmiconfig continues to search up the directory tree, checking each of these places in each directory, until it finds some acceptable configuration (or hits the home directory).',
  },
  {
    id: 'p043',
    kind: 'paraphrase',
    question: "How do I turn a raw byte count into something like '1.3 MB' for people to read?",
    gold: ['pretty-bytes'],
    evidence: 'Convert bytes to a human readable string: `1337` → `1.34 kB`',
  },
  {
    id: 'p044',
    kind: 'paraphrase',
    question:
      'I need to embed arbitrary text in generated JavaScript source so that the output has no non-English characters. What rewrites them for me?',
    gold: ['jsesc'],
    evidence: 'For any input, jsesc generates the shortest possible valid printable-ASCII-only output.',
  },
  {
    id: 'p045',
    kind: 'paraphrase',
    question: 'How can I serialise an object that references itself without JSON.stringify throwing?',
    gold: ['flatted', 'fast-json-stable-stringify'],
    evidence: 'A super light (0.5K) and fast circular JSON parser',
  },
  {
    id: 'p046',
    kind: 'paraphrase',
    question: 'In my .env file, how can one variable refer to the value of another one?',
    gold: ['dotenv-expand'],
    evidence: 'Dotenv-expand adds variable expansion on top of [dotenv]',
  },
  {
    id: 'p047',
    kind: 'paraphrase',
    question:
      'How do I get a single callback when a stream has either finished or failed, whichever comes first?',
    gold: ['end-of-stream'],
    evidence:
      'A node module that calls a callback when a readable/writable/duplex stream has completed or failed.',
  },
  {
    id: 'p048',
    kind: 'paraphrase',
    question:
      'How do I make sure my library uses the same stream behaviour regardless of which Node version the user runs?',
    gold: ['readable-stream'],
    evidence: 'use **readable-stream** *only* and avoid the *"stream"* module in Node-core',
  },
  {
    id: 'p049',
    kind: 'paraphrase',
    question: 'How can I show thrown errors as a nicely formatted page in the browser during development?',
    gold: ['youch'],
    evidence:
      'Youch is an error-parsing library that pretty prints JavaScript errors on a web page or the terminal.',
  },
  {
    id: 'p050',
    kind: 'paraphrase',
    question:
      "At run time Node can't find my imports that use the aliases from the compilerOptions of my TypeScript config. What loads them?",
    gold: ['tsconfig-paths'],
    evidence:
      'Use this to load modules whose location is specified in the `paths` section of `tsconfig.json` or `jsconfig.json`.',
  },
  {
    id: 'c001',
    kind: 'confusable',
    question:
      'While walking up parent folders looking for a file, how can my matcher function end the search early and give back undefined?',
    gold: ['find-up'],
    evidence:
      'A [`Symbol`](https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Symbol) that can be returned by a `matcher` function to stop the search and cause `findUp` to immediately return `undefined`.',
  },
  {
    id: 'c002',
    kind: 'confusable',
    question:
      "I have a list of candidate file paths and want the first one that exists on disk, but I don't care about order and want it faster. What option do I turn off?",
    gold: ['locate-path'],
    evidence: "Disable this to improve performance if you don't care about the order.",
  },
  {
    id: 'c003',
    kind: 'confusable',
    question:
      'I need a promise queue I can put on hold and resume later, not just a cap on parallel calls. Which method pauses it?',
    gold: ['p-queue'],
    evidence: 'Put queue execution on hold.',
  },
  {
    id: 'c004',
    kind: 'confusable',
    question:
      'Which undici class wraps an existing dispatcher so that failed requests are automatically tried again?',
    gold: ['undici/docs/docs/api/RetryAgent.md'],
    evidence: 'A `undici.Dispatcher` that allows to automatically retry a request.',
  },
  {
    id: 'c005',
    kind: 'confusable',
    question:
      'Which undici agent reads HTTP_PROXY and NO_PROXY from the environment, and which wins if both lowercase and uppercase variables are set?',
    gold: ['undici/docs/docs/api/EnvHttpProxyAgent.md'],
    evidence:
      'if both the lowercase and uppercase environment variables are set, the uppercase environment variables will be ignored.',
  },
  {
    id: 'c006',
    kind: 'confusable',
    question:
      "How do I force terminal color detection up to truecolor level when I can't pass a --color flag?",
    gold: ['supports-color', 'chalk'],
    evidence: '`FORCE_COLOR=3` (level 3)',
  },
  {
    id: 'c007',
    kind: 'confusable',
    question:
      'Which terminal color detection module does not read process.argv, and what option skips its CI environment check?',
    gold: ['color-support'],
    evidence: 'ignoreCI - default false.  Ignore `CI` environ check.',
  },
  {
    id: 'c008',
    kind: 'confusable',
    question: 'When a Set-Cookie header has both an expiry date and a max age, which one wins?',
    gold: ['cookie'],
    evidence: 'then `maxAge` takes precedence',
  },
  {
    id: 'c009',
    kind: 'confusable',
    question:
      'What does mime-types return when it cannot recognise a file extension, unlike the old mime module?',
    gold: ['mime-types'],
    evidence: '`mime-types` simply returns `false`',
  },
  {
    id: 'c010',
    kind: 'confusable',
    question: 'Where does the mime type database tell me whether a type can be gzipped?',
    gold: ['mime-db'],
    evidence: '`.compressible` - whether a file of this type can be gzipped.',
  },
  {
    id: 'c011',
    kind: 'confusable',
    question:
      'Behind a Kubernetes service, my undici pool keeps sending almost every request down the same connection. Which pool spreads requests evenly over its connections?',
    gold: ['undici/docs/docs/api/RoundRobinPool.md'],
    evidence: '`RoundRobinPool` cycles through clients in a round-robin fashion.',
  },
  {
    id: 'c012',
    kind: 'confusable',
    question: 'Which undici pool lets me add and remove upstream servers at run time?',
    gold: ['undici/docs/docs/api/BalancedPool.md'],
    evidence: 'Removes an upstream that was previously added.',
  },
  {
    id: 'c013',
    kind: 'confusable',
    question:
      'With the debug package, how do I turn on several namespaces at once, like all the connect middleware loggers?',
    gold: ['debug'],
    evidence: 'The `*` character may be used as a wildcard.',
  },
  {
    id: 'c014',
    kind: 'confusable',
    question: 'Why is checking instanceof errors.UndiciError unreliable, and what should I compare instead?',
    gold: ['undici/docs/docs/api/Errors.md'],
    evidence: "seek for the `error.code === '<error_code>'` instead",
  },
  {
    id: 'c015',
    kind: 'confusable',
    question: "Which undici version does my Node.js runtime's global fetch use, and how do I check it?",
    gold: ['undici/docs/docs/best-practices/undici-vs-builtin-fetch.md'],
    evidence: 'console.log(process.versions.undici); // e.g., "7.5.0"',
  },
  {
    id: 'c016',
    kind: 'confusable',
    question: 'How do I send undici requests through a SOCKS proxy with a username and password?',
    gold: ['undici/docs/docs/api/Socks5ProxyAgent.md'],
    evidence: 'SOCKS5 proxy username for authentication. Can also be provided in the proxy URL.',
  },
  {
    id: 'c017',
    kind: 'confusable',
    question:
      'Which YAML library for Node can read and rewrite a file while keeping its comments and blank lines?',
    gold: ['yaml'],
    evidence: 'Supports parsing, modifying, and writing YAML comments and blank lines.',
  },
  {
    id: 'c018',
    kind: 'confusable',
    question:
      'Which API of the JSON-with-comments parser computes the edits needed to change a property in a document?',
    gold: ['jsonc-parser'],
    evidence:
      'the *modify* API computes edits to insert, remove or replace a property or value in a JSON document.',
  },
  {
    id: 'c019',
    kind: 'confusable',
    question:
      'Which glob matcher supports POSIX character classes like [[:alpha:]] matching accented letters?',
    gold: ['minimatch'],
    evidence: "For example, `[[:alpha:]]` will match against `'é'`, though `[a-zA-Z]` will not.",
  },
  {
    id: 'c020',
    kind: 'confusable',
    question: 'What does balanced-match return when the string has more opening than closing braces?',
    gold: ['balanced-match'],
    evidence:
      'If the `str` contains more `a` than `b` / there are unmatched pairs, the first match that was closed will be used.',
  },
  {
    id: 'c021',
    kind: 'confusable',
    question:
      'Which package only tells me whether a string contains an extglob such as @(abc), not any glob?',
    gold: ['is-extglob'],
    evidence: 'Returns true if a string has an extglob.',
  },
  {
    id: 'c022',
    kind: 'confusable',
    question: 'Should I use ignore or minimatch to parse an .npmignore file?',
    gold: ['ignore'],
    evidence: 'To parse an `.npmignore` file, you should use `minimatch`',
  },
  {
    id: 'c023',
    kind: 'confusable',
    question: 'My zod schema has an async refine; which method do I have to call instead of .parse?',
    gold: ['zod'],
    evidence: "you'll need to use the `.parseAsync()` method instead.",
  },
  {
    id: 'c024',
    kind: 'confusable',
    question:
      'How many times does the OpenAI Node client retry a failed request by default, and how do I turn that off?',
    gold: ['openai'],
    evidence: 'maxRetries: 0, // default is 2',
  },
  {
    id: 'c025',
    kind: 'confusable',
    question: "In LangChain, how do I make sure Claude's tool call arguments always match my schema exactly?",
    gold: ['@langchain/anthropic'],
    evidence:
      "which uses grammar-constrained sampling to guarantee that Claude's tool inputs match your schema",
  },
  {
    id: 'c026',
    kind: 'confusable',
    question: 'Which LangChain package gives me OpenAIEmbeddings for turning text into vectors?',
    gold: ['@langchain/openai'],
    evidence: 'import { OpenAIEmbeddings } from "@langchain/openai";',
  },
  {
    id: 'c027',
    kind: 'confusable',
    question: 'How do I print a check mark that still shows something sensible in the old Windows console?',
    gold: ['figures'],
    evidence: 'Returns the input with replaced fallback Unicode symbols on Windows.',
  },
  {
    id: 'c028',
    kind: 'confusable',
    question: 'Which terminal table package can make a cell span several columns or rows?',
    gold: ['cli-table3'],
    evidence: 'Ability to make cells span columns and/or rows.',
  },
  {
    id: 'c029',
    kind: 'confusable',
    question:
      'When wrapping colored terminal text, how do I force long words to break exactly at the column width?',
    gold: ['wrap-ansi'],
    evidence: 'Setting this to `true` will make it hard wrap at the column width.',
  },
  {
    id: 'c030',
    kind: 'confusable',
    question:
      'Which source map library is a fork of source-map 0.6 with the performance work but without the async WASM API?',
    gold: ['source-map-js'],
    evidence: "it's fork of original source-map@0.6, but with perfomance optimizations.",
  },
  {
    id: 'c031',
    kind: 'confusable',
    question: 'Which source map support package has a register-hook-require entry point for node -r?',
    gold: ['@cspotcode/source-map-support'],
    evidence: 'node -r @cspotcode/source-map-support/register-hook-require compiled.js',
  },
  {
    id: 'c032',
    kind: 'confusable',
    question:
      'How do I look up the original line and column of a position in minified output without a WASM dependency?',
    gold: ['@jridgewell/trace-mapping'],
    evidence:
      'provides the same `originalPositionFor` and `generatedPositionFor` API, without requiring WASM.',
  },
  {
    id: 'c033',
    kind: 'confusable',
    question:
      'Which package keeps working even after someone deletes Math.pow, because it cached the built-in at first require?',
    gold: ['get-intrinsic'],
    evidence: 'Get and robustly cache all JS language-level intrinsics at first require time.',
  },
  {
    id: 'c034',
    kind: 'confusable',
    question: "Which helper wraps Object.getOwnPropertyDescriptor and copes with IE's broken version?",
    gold: ['gopd'],
    evidence: "`Object.getOwnPropertyDescriptor`, but accounts for IE's broken implementation.",
  },
  {
    id: 'c035',
    kind: 'confusable',
    question: 'How can I tell whether the JS environment has real Symbol support rather than a sham?',
    gold: ['has-symbols'],
    evidence: 'if the environment has native Symbol support. Not polyfillable, not forgeable.',
  },
  {
    id: 'c036',
    kind: 'confusable',
    question: "Which package gives me a call-bound getter and setter for an object's __proto__?",
    gold: ['dunder-proto'],
    evidence: 'If available, the `Object.prototype.__proto__` accessor and mutator, call-bound.',
  },
  {
    id: 'c037',
    kind: 'confusable',
    question: 'With yargs-parser, how do I count repeated flags so that -vvv becomes 3?',
    gold: ['yargs-parser'],
    evidence: '`opts.count`: indicate a key that should be used as a counter, e.g., `-vvv` = `{v: 3}`.',
  },
  {
    id: 'c038',
    kind: 'confusable',
    question:
      "How wide does cliui make the layout when I don't give it a width and it can't read the window size?",
    gold: ['cliui'],
    evidence: "and if that doesn't work, width will be set to `80`.",
  },
  {
    id: 'c039',
    kind: 'confusable',
    question:
      "Which event emitter does not throw when an 'error' event is emitted with no listener attached?",
    gold: ['eventemitter3'],
    evidence: 'We do not `throw` an error when you emit an `error` event and nobody is listening.',
  },
  {
    id: 'c040',
    kind: 'confusable',
    question: 'In lru-cache, what happens when I get an entry that is older than maxAge?',
    gold: ['lru-cache'],
    evidence:
      "if you try to get an item that is too old, it'll drop it and return undefined instead of giving it to you.",
  },
  {
    id: 'c041',
    kind: 'confusable',
    question:
      'How can a build tool remember which files changed since its last run, based on a checksum of their contents?',
    gold: ['file-entry-cache'],
    evidence: 'Uses `checksum` to determine if a file has changed',
  },
  {
    id: 'c042',
    kind: 'confusable',
    question:
      'Which key/value cache keeps data in memory and writes it to a file on disk only when something changed?',
    gold: ['flat-cache'],
    evidence:
      'Only saves the data to disk if the data has changed even when using `persistInterval` or calling `save()`',
  },
  {
    id: 'c043',
    kind: 'confusable',
    question: 'Which caching library offers memoization with stampede protection on top of Keyv?',
    gold: ['cacheable'],
    evidence: 'Wrap / Memoization for Sync and Async Functions with Stampede Protection',
  },
  {
    id: 'c044',
    kind: 'confusable',
    question:
      'Which package adds before/after middleware hooks to my class methods as a replacement for EventEmitter?',
    gold: ['hookified'],
    evidence: 'Async / Sync Middleware Hooks for Your Methods',
  },
  {
    id: 'c045',
    kind: 'confusable',
    question:
      'Which benchmarking library measures functions with performance.now and prints a table of ops/sec per task?',
    gold: ['tinybench'],
    evidence:
      'Tinybench is completely based on the Web APIs with proper timing using `process.hrtime` or `performance.now`.',
  },
  {
    id: 'c046',
    kind: 'confusable',
    question: 'Which latency histogram library can correct for coordinated omission?',
    gold: ['hdr-histogram-js'],
    evidence: 'latency recording with coordinated omissions correction',
  },
  {
    id: 'c047',
    kind: 'confusable',
    question: 'Which ID generator gives 21-character IDs using the alphabet A-Za-z0-9_-?',
    gold: ['nanoid'],
    evidence: 'So ID size was reduced from 36 to 21 symbols.',
  },
  {
    id: 'c048',
    kind: 'confusable',
    question: 'How long are the IDs that hyperid generates when fixedLength is true?',
    gold: ['hyperid'],
    evidence: 'that is 33 characters in length',
  },
  {
    id: 'c049',
    kind: 'confusable',
    question: 'After following redirects, how do I find out which URL the response finally came from?',
    gold: ['follow-redirects'],
    evidence:
      'You can inspect the final redirected URL through the `responseUrl` property on the `response`.',
  },
  {
    id: 'c050',
    kind: 'confusable',
    question:
      'Which JSON validator supports JSON Type Definition (RFC8927) in addition to JSON Schema drafts?',
    gold: ['ajv'],
    evidence:
      'Supports JSON Schema draft-04/06/07/2019-09/2020-12 ([draft-04 support](https://ajv.js.org/json-schema.html#draft-04) requires ajv-draft-04 package) and JSON Type Definition [RFC8927]',
  },
  {
    id: 'c051',
    kind: 'confusable',
    question:
      'Which tiny package resolves a package.json "exports" and "imports" map without touching the file system?',
    gold: ['resolve.exports'],
    evidence: 'configurable `"exports"` and `"imports"` resolver without file-system reliance',
  },
  {
    id: 'c052',
    kind: 'confusable',
    question: 'How can I find AST nodes using CSS-like selectors such as :has(ForStatement)?',
    gold: ['esquery'],
    evidence:
      'ESQuery is a library for querying the AST output by Esprima for patterns of syntax using a CSS style selector system.',
  },
  {
    id: 'c053',
    kind: 'confusable',
    question: 'Does pretty-bytes use 1000 or 1024 for a kilobyte?',
    gold: ['pretty-bytes'],
    evidence: 'Note that it uses base-10 (e.g. kilobyte).',
  },
  {
    id: 'c054',
    kind: 'confusable',
    question: 'How do I compare two Maps or typed arrays deeply with fast-deep-equal?',
    gold: ['fast-deep-equal'],
    evidence: "var equal = require('fast-deep-equal/es6');",
  },
  {
    id: 'c055',
    kind: 'confusable',
    question: 'If I pass dotenv several .env files in path, which value wins for a variable defined in both?',
    gold: ['dotenv'],
    evidence:
      'The first value set for a variable will win, unless the `options.override` flag is set, in which case the last value set will win.',
  },
  {
    id: 'c056',
    kind: 'confusable',
    question: 'Does tar-stream decompress .tar.gz archives by itself?',
    gold: ['tar-stream'],
    evidence: 'Note that you still need to gunzip your data if you have a `.tar.gz`.',
  },
  {
    id: 'c057',
    kind: 'confusable',
    question:
      'Which package collects a bunch of Buffers and lets me slice or read integers across them without concatenating first?',
    gold: ['bl'],
    evidence:
      '**bl** is a storage object for collections of Node Buffers, exposing them with the main Buffer readable API.',
  },
];

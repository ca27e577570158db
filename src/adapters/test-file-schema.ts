/**
 * The JSON Schema of policy test files (`*.test.yaml`, spec section 7),
 * draft-07 as the policy schema is: the source of
 * `schema/heed-test.schema.json` (a test keeps the two equal; after a
 * change, write the file again with
 * `npx tsx -e 'import { TEST_SCHEMA } from "./src/adapters/test-file-schema.ts"; console.log(JSON.stringify(TEST_SCHEMA, null, 2))' > schema/heed-test.schema.json`).
 *
 * `heed test` checks every test file against it before running a case, so
 * an editor with the schema and `heed test` refuse the same files. Each
 * `title` is a noun phrase in the user's terms: it is what a message says
 * was expected (`` `touch` must be the proposed touch, a map such as ... ``).
 * `errorMessage` words the two checks a title cannot: a field that cannot
 * go with `error`, and `exact` without a list. yaml-language-server shows
 * it for the second; for the first it says "Matches a schema that is not
 * allowed" at the field (it reads no `errorMessage` on `not`).
 *
 * The schema checks the test file's own fields, and the JSON types of the
 * input fields the spec names (`contact.id` is a string, `tags` a list of
 * strings, a touch has a `channel`), so that a misspelt field is refused
 * before a case runs and shown by an editor as it is typed. Whether a value
 * is right for the policy (an instant, a known time zone, an attribute of
 * its declared type) is the engine's check. A case that expects an input
 * error (`expect: { error: CODE }`) is the exception: its input goes to
 * the engine unchecked, so that any refusal can be tested.
 *
 * @module
 */

/** An instant as the engine reads it: a date, a time, and an offset or `Z`. */
const INSTANT = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]{1,9})?)?([Zz]|[+-][0-9]{2}(:?[0-9]{2})?)$";

/** The fields of `expect` that describe a decision, which a refused input does not have. */
export const DECISION_FIELDS = ["verdict", "stage", "rules", "codes", "notBefore", "exact"] as const;

/** The input errors a case may expect (`expect: { error: CODE }`), offered by editors; other kebab-case codes are accepted. */
export const INPUT_ERROR_CODES = [
  "invalid-attribute",
  "invalid-event",
  "invalid-contact",
  "invalid-touch",
  "invalid-history",
  "invalid-account",
  "invalid-time",
  "unknown-timezone",
] as const;

/** What each input field of a case must be, in the words of the messages (`` `touch` must be the proposed touch, a map ... ``). */
const TITLES = {
  contact: "the contact, a map such as `{ id: c1, timezone: America/New_York }`",
  history: "a list of events",
  account: "a list of touches to the account's other contacts",
  at: 'the instant of the proposed touch, ISO-8601 such as `"2026-03-12T10:00:00-04:00"`',
  touch: "the proposed touch, a map such as `{ channel: email }`",
} as const;

const EXACT_WITHOUT_LIST = "`exact: true` makes `rules` and `codes` the whole list of reasons: give `rules`, `codes` or both";

const notWithError = {
  title: "a field that cannot go with `error`",
  errorMessage: "cannot go with `error`: a case that expects an input error gets no decision (leave out one of them)",
  not: {},
};

export const TEST_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://heed.dev/schema/heed-test.schema.json",
  title: "a map with `policy` and `cases`",
  description: "A Heed policy test file: the policy under test and the cases, each a contact, its history, a proposed touch and the expected decision.",
  type: "object",
  additionalProperties: false,
  required: ["policy", "cases"],
  properties: {
    policy: {
      title: "the policy file under test (relative to this file), or a list of them",
      description: "The policy file under test, relative to this test file; a list of files tests them as a policy set.",
      anyOf: [
        { $ref: "#/definitions/policyFile" },
        { title: "a list of policy files", type: "array", minItems: 1, items: { $ref: "#/definitions/policyFile" } },
      ],
    },
    cases: {
      title: "a list of cases",
      description: "The cases, each run against the policy.",
      type: "array",
      items: { $ref: "#/definitions/case" },
    },
  },
  definitions: {
    policyFile: { title: "a policy file name such as `inbound.heed`", type: "string", minLength: 1 },
    case: {
      title: "a map with `name`, `contact`, `at` and `touch` (and `history`, `account`, `expect` when needed)",
      description: "One case: the contact, its history, the proposed touch at an instant, and what the policy should decide.",
      type: "object",
      additionalProperties: false,
      required: ["name", "contact", "at", "touch"],
      properties: {
        name: { title: "a name for the case, a string", description: "What the case shows, in words; `heed test --filter` matches it.", type: "string", minLength: 1 },
        // The input fields are checked below: as the engine reads them, unless the case expects the engine to refuse them.
        contact: { title: TITLES.contact, description: "The contact: `id`, and optionally `timezone` (IANA), `account` and `attributes`." },
        history: {
          title: TITLES.history,
          description: "The contact's history: touches (`type: touch`) and signals, in any order; each event's props are fields of the event itself.",
        },
        account: {
          title: TITLES.account,
          description:
            "The touches sent to the other contacts of the contact's account, counted by limits `across account` (spec section 8.4); other event types are ignored.",
        },
        at: { title: TITLES.at, description: "The instant of the proposed touch: ISO-8601 with an offset or `Z`." },
        touch: { title: TITLES.touch, description: "The touch to decide: its `channel`, optional `tags`, and free-form props (`campaign`, `product`, ...)." },
        expect: { $ref: "#/definitions/expect" },
      },
      // A case that expects an input error (`expect: { error: CODE }`) hands its input to the engine as it is, so that any
      // refusal can be tested (a touch without a channel is `invalid-event`); every other case gets its input checked here,
      // where an editor shows a misspelt field as it is typed.
      if: { properties: { expect: { type: "object", required: ["error"] } }, required: ["expect"] },
      else: {
        properties: {
          contact: { $ref: "#/definitions/contact" },
          history: { $ref: "#/definitions/history" },
          account: { $ref: "#/definitions/account" },
          at: { $ref: "#/definitions/at" },
          touch: { $ref: "#/definitions/touch" },
        },
      },
    },
    history: { title: TITLES.history, type: "array", items: { $ref: "#/definitions/event" } },
    account: { title: TITLES.account, type: "array", items: { $ref: "#/definitions/event" } },
    at: { title: TITLES.at, type: "string" },
    contact: {
      title: TITLES.contact,
      description: "The contact: `id`, and optionally `timezone` (IANA), `account` and `attributes`.",
      type: "object",
      additionalProperties: false,
      required: ["id"],
      properties: {
        id: { title: "a contact id, a string", type: "string" },
        timezone: { title: "an IANA time zone name such as `America/New_York`", description: "The contact's time zone, for quiet hours, business days and calendar windows.", type: "string" },
        account: { title: "an account id, a string", description: "The company the contact belongs to, for limits `across account`.", type: "string" },
        attributes: {
          title: "a map of attributes such as `{ role: analyst }`",
          description: "The contact's attributes, read by conditions as `contact.NAME`: strings, numbers, booleans or lists of strings.",
          type: "object",
        },
      },
    },
    event: {
      title: "an event, a map such as `{ type: reply, at: \"2026-03-03T10:00:00Z\" }`",
      description:
        "One event of the history. Fields are flat on the event: `type`, `at`, optional `id`, and the event's own props (a touch's `channel` and `tags`, a reply's `sentiment` or `auto: true`, ...).",
      type: "object",
      required: ["type", "at"],
      properties: {
        type: {
          title: "an event type such as `touch` or `reply`",
          description:
            "`touch` for an outbound touch; any other type is a signal (`reply`, `meeting_booked`, `call_connected`, `unsubscribe`, `bounce`, `purchase`, `content_download`, `open`, `click`, or the application's own).",
          type: "string",
          examples: ["touch", "reply", "meeting_booked", "call_connected", "unsubscribe", "bounce", "purchase", "content_download", "open", "click"],
        },
        at: { title: "an ISO-8601 instant such as `\"2026-03-03T10:00:00-05:00\"`", description: "When the event happened, with an offset or `Z`.", type: "string" },
        id: { title: "an event id, a string", description: "Events of one type sharing an id are one event (a webhook delivered twice): the first is kept.", type: "string" },
        channel: { title: "a channel name, a string", description: "A touch's channel; on an `unsubscribe`, the channel unsubscribed from.", type: "string" },
        tags: { $ref: "#/definitions/tags" },
        auto: { title: "`true` or `false`", description: "On a `reply`: `true` for an auto-reply (out of office), which is the signal `auto_reply`, never engagement.", type: "boolean" },
      },
      if: { properties: { type: { const: "touch" } }, required: ["type"] },
      then: { required: ["channel"] },
    },
    touch: {
      title: TITLES.touch,
      description: "The touch to decide: its `channel`, optional `tags`, and free-form props (`campaign`, `product`, ...).",
      type: "object",
      required: ["channel"],
      properties: {
        channel: { title: "a channel name, a string", type: "string" },
        tags: { $ref: "#/definitions/tags" },
      },
    },
    tags: { title: "a list of tags", type: "array", items: { title: "a tag, a string", type: "string" } },
    expect: {
      title: "a map of expectations such as `{ verdict: deny, rules: [no-cold-invites] }`",
      description:
        "What the policy should decide; every field is optional and the ones given must all hold. `rules` and `codes` must be among the reasons, or with `exact: true` the whole list in order. `error` expects the input to be refused instead.",
      type: "object",
      additionalProperties: false,
      properties: {
        verdict: { title: "`allow`, `deny` or `defer`", type: "string", enum: ["allow", "deny", "defer"] },
        stage: { title: "a stage name", description: "The contact's stage at `at`.", type: "string", minLength: 1 },
        rules: { $ref: "#/definitions/names", description: "Rule ids that must be among the reasons (with `exact: true`, the whole list, in order)." },
        codes: { $ref: "#/definitions/names", description: "Reason codes that must be among the reasons (with `exact: true`, the whole list, in order)." },
        notBefore: {
          title: "an ISO-8601 instant with an offset or `Z`",
          description: "The earliest instant the touch is allowed (a deferral), compared as an instant, not as text.",
          type: "string",
          pattern: INSTANT,
        },
        exact: { title: "`true` or `false`", description: "`true`: `rules` and `codes` are the whole list of reasons, in order.", type: "boolean" },
        error: {
          title: "an input error code such as `invalid-attribute`",
          description: "The input must be refused with this input error code; the case then expects no decision, and its input is handed to the engine unchecked.",
          type: "string",
          pattern: "^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
          examples: [...INPUT_ERROR_CODES],
        },
      },
      allOf: [
        {
          if: { required: ["error"] },
          then: { properties: Object.fromEntries(DECISION_FIELDS.map((field) => [field, notWithError])) },
        },
        {
          if: { properties: { exact: { const: true } }, required: ["exact"] },
          then: {
            title: "`rules` or `codes` beside `exact: true`",
            errorMessage: EXACT_WITHOUT_LIST,
            // Each branch words its failure too: yaml-language-server reports the missing field of a branch.
            anyOf: [
              { required: ["rules"], errorMessage: EXACT_WITHOUT_LIST },
              { required: ["codes"], errorMessage: EXACT_WITHOUT_LIST },
            ],
          },
        },
      ],
    },
    names: { title: "a list of names", type: "array", items: { title: "a name, a string", type: "string" } },
  },
} as const;

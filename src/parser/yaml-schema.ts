/**
 * The JSON Schema of the YAML form (draft-07), the source of
 * `schema/heed-policy.schema.json` (a test keeps the two equal; after a
 * change, write the file again with
 * `npx tsx -e 'import { POLICY_SCHEMA } from "./src/parser/yaml-schema.ts"; console.log(JSON.stringify(POLICY_SCHEMA, null, 2))' > schema/heed-policy.schema.json`).
 *
 * The YAML front end checks a document against it before building the AST.
 * Each `title` is a noun phrase in the user's terms: it is what a message
 * says was expected (`expected a list of channels, got a number`).
 * Which keys make up a rule or transition form is described here for
 * editors (`anyOf`), and checked with plain messages by the front end.
 *
 * @module
 */

const NAME = "^[A-Za-z_][A-Za-z0-9_-]*$";
const DURATION = "^\\s*[0-9]+\\s+(minutes?|hours?|days?|weeks?|business\\s+days?)\\s*$";
const WINDOW = "^\\s*(per\\s+)?([0-9]+\\s+(minutes?|hours?|days?|weeks?)|day|week)\\s*$";
const AFTER = "^\\s*[0-9]+\\s+((ignored\\s+)?touch(es)?|minutes?|hours?|days?|weeks?|business\\s+days?)\\s*$";
const TIME_RANGE = "^\\s*[0-9]{1,2}:[0-9]{2}\\s*(-|to)\\s*[0-9]{1,2}:[0-9]{2}\\s*$";

const channelSet = {
  title: "a channel, a list of channels, `any` or `touches`",
  description: "A channel name, a list of channel names, `any` or `touches` (every channel).",
  anyOf: [{ $ref: "#/definitions/channelWord" }, { $ref: "#/definitions/channelList" }],
};

export const POLICY_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://heed.dev/schema/heed-policy.schema.json",
  title: "a policy",
  description:
    "A Heed cadence policy in YAML form. Every field maps one-to-one to the DSL; leaf values (durations, windows, conditions) use the DSL's own syntax.",
  type: "object",
  additionalProperties: false,
  required: ["cadence", "channels"],
  properties: {
    cadence: { title: "the policy's name", description: "The policy's name (`cadence \"NAME\"`).", type: "string", minLength: 1 },
    appliesWhen: {
      $ref: "#/definitions/condition",
    },
    timezone: {
      title: "a time zone setting such as `{ from: contact.timezone, fallback: America/New_York }`",
      description: "Where the contact's time zone is read from, and the policy's fallback zone (`timezone from PATH else \"Zone\"`).",
      type: "object",
      additionalProperties: false,
      required: ["from"],
      properties: {
        from: {
          title: "a path such as `contact.timezone`",
          description: "The contact attribute holding an IANA zone name, normally `contact.timezone`.",
          type: "string",
          pattern: "^[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z_][A-Za-z0-9_-]*)*$",
        },
        fallback: {
          title: "a time zone name such as `America/New_York`",
          description: "The IANA zone used when the contact has none.",
          type: "string",
          minLength: 1,
        },
      },
    },
    channels: { $ref: "#/definitions/channelList", description: "The channels this policy speaks of (`channels email, call`)." },
    engagement: {
      title: "a list of signals",
      description: "The signals that count as a response; default `reply`, `meeting_booked`, `call_connected`.",
      type: "array",
      items: { $ref: "#/definitions/signal" },
    },
    ignoreWindow: { $ref: "#/definitions/duration", description: "How long a touch may go unanswered before it counts as ignored; default 3 days." },
    holidays: {
      title: "a list of dates, or a holiday calendar such as `{ from: contact.country, fallback: US }`",
      description:
        "Dates skipped by business days (`YYYY-MM-DD`), or the public holidays of the contact's region (`holidays from PATH else \"CODE\"`) with dates beside them.",
      // a list is dates; anything else is read as the calendar's map, so that its own errors are the ones reported
      if: { type: "array" },
      then: { $ref: "#/definitions/holidayDates" },
      else: {
        title: "a holiday calendar such as `{ from: contact.country, fallback: US, dates: [2026-12-24] }`",
        description: "The public holidays of the region read from the contact (`US`, `US-NY`, `GB-ENG`, `DE-BY`), else of the fallback region, and the dates listed.",
        type: "object",
        additionalProperties: false,
        required: ["from"],
        properties: {
          from: {
            title: "a path such as `contact.country`",
            description: "The contact attribute holding a region code: an ISO 3166 country code with an optional subdivision.",
            type: "string",
            pattern: "^[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z_][A-Za-z0-9_-]*)*$",
          },
          fallback: {
            title: "a region code such as `US` or `GB-ENG`",
            description: "The region whose holidays apply when the contact has none.",
            type: "string",
            minLength: 1,
          },
          dates: { $ref: "#/definitions/holidayDates" },
        },
      },
    },
    attributes: {
      title: "a map of attributes and their types",
      description:
        "The contact attributes the policy reads, each with its type (`attributes { ... }`): `string`, `number`, `boolean`, `list` (of strings), or the list of strings it may be. With it, conditions are checked against it and contacts' values at evaluation.",
      type: "object",
      propertyNames: { title: "an attribute name", pattern: NAME },
      additionalProperties: { $ref: "#/definitions/valueType" },
    },
    signals: {
      title: "a map of signals and their props",
      description:
        "The signals the policy names, each with the types of its props (`signals { ... }`); `{}` for a signal without props. With it, a signal that is neither built in nor declared is an error.",
      type: "object",
      propertyNames: { title: "a signal name", pattern: NAME },
      additionalProperties: { $ref: "#/definitions/signalProps" },
    },
    start: { $ref: "#/definitions/stageName", description: "The stage a contact starts in." },
    stages: {
      title: "a map of stages",
      description: "The stages, by name, in order. Without stages the policy has one implicit stage, `active`.",
      type: "object",
      propertyNames: { pattern: NAME },
      additionalProperties: { $ref: "#/definitions/stage" },
    },
    transitions: { $ref: "#/definitions/transitions", description: "Policy-wide transitions, tried after a stage's own." },
    rules: { $ref: "#/definitions/rules", description: "Policy-wide rules." },
  },
  definitions: {
    holidayDates: {
      title: "a list of dates",
      description: "Dates skipped by business days (`YYYY-MM-DD`).",
      type: "array",
      items: {
        title: "a date such as `2026-12-25`",
        type: "string",
        pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
      },
    },
    name: { title: "a name", type: "string", pattern: NAME },
    stageName: { title: "a stage name", type: "string", pattern: NAME },
    signal: { title: "a signal name", type: "string", pattern: NAME },
    channelName: { title: "a channel name", type: "string", pattern: NAME },
    channelWord: {
      title: "a channel name, `any` or `touches`",
      type: "string",
      pattern: "^\\s*[A-Za-z_][A-Za-z0-9_-]*(\\s*,\\s*[A-Za-z_][A-Za-z0-9_-]*)*\\s*$",
    },
    channelList: {
      title: "a list of channels",
      type: "array",
      items: { $ref: "#/definitions/channelName" },
    },
    channelSet,
    allowList: {
      title: "a list of channels",
      description: "The channels this stage allows; absent means every declared channel.",
      anyOf: [{ $ref: "#/definitions/channelName" }, { $ref: "#/definitions/channelList" }],
    },
    duration: {
      title: "a duration such as `4 hours`",
      description: "`N minutes`, `N hours`, `N days` (24 h), `N weeks` or `N business days`.",
      type: "string",
      pattern: DURATION,
    },
    window: {
      title: "a window such as `14 days`, `day` or `week`",
      description: "Rolling (`24 hours`, `14 days`) or calendar (`day`, `week`, in the contact's time zone).",
      type: "string",
      pattern: WINDOW,
    },
    condition: {
      title: "a condition",
      description: "A condition in the DSL's syntax, such as `contact.role in [\"analyst\", \"student\"]`.",
      type: "string",
      minLength: 1,
    },
    valueType: {
      title: "a type: `string`, `number`, `boolean`, `list` or a list of the strings allowed",
      description: "`string`, `number`, `boolean`, `list` (of strings), or a choice: the list of strings the value may be, such as `[analyst, student]`.",
      anyOf: [
        { type: "string", enum: ["string", "number", "boolean", "list"] },
        { type: "array", minItems: 1, items: { title: "a string", type: "string" } },
      ],
    },
    signalProps: {
      title: "a map of props and their types",
      description: "The signal's props, each with its type; `{}` for none.",
      type: ["object", "null"],
      propertyNames: { title: "a prop name", pattern: NAME },
      additionalProperties: { $ref: "#/definitions/valueType" },
    },
    count: { title: "a whole number of at least 1", type: "integer", minimum: 1 },
    stage: {
      title: "a stage",
      description: "A stage: its allowed channels, rules and transitions, or `final: true`.",
      type: ["object", "null"],
      additionalProperties: false,
      properties: {
        final: { title: "`true` or `false`", description: "A final stage allows no touch and has no way out.", type: "boolean" },
        allow: { $ref: "#/definitions/allowList" },
        rules: { $ref: "#/definitions/rules" },
        transitions: { $ref: "#/definitions/transitions" },
      },
    },
    transitions: { title: "a list of transitions", type: "array", items: { $ref: "#/definitions/transition" } },
    transition: {
      title: "a transition",
      description: "`{ after: ..., moveTo: S }`, `{ on: SIGNAL, where?: COND, moveTo: S }` or `{ when: COND, moveTo: S }`.",
      type: "object",
      additionalProperties: false,
      required: ["moveTo"],
      properties: {
        after: {
          title: "`N ignored touches`, `N touches` or a duration",
          description: "`2 ignored touches`, `3 touches` or a time in stage such as `180 days`.",
          type: "string",
          pattern: AFTER,
        },
        on: { $ref: "#/definitions/signal" },
        where: { $ref: "#/definitions/condition" },
        when: { $ref: "#/definitions/condition" },
        moveTo: { $ref: "#/definitions/stageName" },
      },
      anyOf: [{ required: ["after"] }, { required: ["on"] }, { required: ["when"] }],
    },
    rules: { title: "a list of rules", type: "array", items: { $ref: "#/definitions/rule" } },
    rule: {
      title: "a rule",
      description:
        "One of: `never` (with `without`, `after`, `within` + `of`, `when` or `unless`), `atMost` + `of` + `per` (and `by` or `across: account`), `atLeast` + `between`, `quietHours`, `onlyBusinessDays`; any of them may take `when` or `unless` (where the rule applies).",
      type: "object",
      additionalProperties: false,
      properties: {
        id: { $ref: "#/definitions/name", description: "The rule's name (`rule NAME:` in the DSL)." },
        never: channelSet,
        tagged: { title: "a tag", description: "Only touches carrying this tag.", type: "string" },
        without: { $ref: "#/definitions/signal" },
        after: { $ref: "#/definitions/signal" },
        within: { $ref: "#/definitions/duration" },
        of: channelSet,
        where: { $ref: "#/definitions/condition" },
        when: { $ref: "#/definitions/condition", description: "The rule applies only where this holds (`when COND` in the DSL); on a bare `never`, the touches are forbidden where it holds." },
        unless: { $ref: "#/definitions/condition", description: "The rule applies only where this does not hold (`unless COND` in the DSL)." },
        atMost: { $ref: "#/definitions/count" },
        per: { $ref: "#/definitions/window" },
        across: {
          title: "`account`",
          description: "With `atMost`: count the touches sent to every contact of the contact's account, this one included (`across account`).",
          type: "string",
          const: "account",
        },
        by: {
          title: "a touch prop such as `campaign`",
          description: "Count only earlier touches whose prop equals the proposed touch's (`by PROP` in the DSL); touches lacking it form one group.",
          type: "string",
          pattern: NAME,
        },
        atLeast: { $ref: "#/definitions/duration" },
        between: channelSet,
        quietHours: {
          title: "quiet hours such as `21:00-08:00`",
          description: "`HH:MM-HH:MM` in the contact's local time; may wrap midnight.",
          type: "string",
          pattern: TIME_RANGE,
        },
        for: channelSet,
        onlyBusinessDays: { title: "`true`", type: "boolean", const: true },
      },
      anyOf: [
        { required: ["never"] },
        { required: ["atMost"] },
        { required: ["atLeast"] },
        { required: ["quietHours"] },
        { required: ["onlyBusinessDays"] },
      ],
    },
  },
} as const;

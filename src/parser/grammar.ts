/**
 * Step one of the DSL pipeline: tokens -> CST, with chevrotain.
 *
 * The grammar of spec section 3, one class property per rule so a typo in a
 * rule name is a compile error. Recovery is on: one run reports as many
 * syntax errors as it can. The grammar is lenient in a few places (a word
 * where a duration unit belongs, a `-` before a count) so that the CST -> AST
 * step can give a precise message instead of a generic one.
 *
 * @module
 */

import { CstParser, tokenMatcher, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import * as T from "../lexer/tokens.js";
import { errorMessageProvider } from "./errors.js";

/**
 * A parse stops once recovery has recorded this many errors (a report shows
 * at most 100 of them). Each recovery inside a repetition goes on in a
 * nested call of the rule, so the errors of one text cost time quadratic in
 * their number and stack in proportion to it: 1,600 bad lines took a
 * second and then overflowed the stack, reported as a text nested too
 * deeply.
 */
export const MAX_RECOGNITION_ERRORS = 400;

/**
 * A parse stops once its recoveries have looked at this many tokens. To
 * recover, the parser looks ahead for a token that may follow the rule it
 * is in, often the policy's closing `}`: each error can read the rest of
 * the text, and a long text of bad lines read it hundreds of times (1,600
 * lines of 100 kB: a second and a half). A few errors in a policy of
 * thousands of lines take a small part of this.
 */
export const MAX_RECOVERY_STEPS = 10_000_000;

/** Thrown out of the parse when it reached {@link MAX_RECOGNITION_ERRORS} or {@link MAX_RECOVERY_STEPS}; the errors so far stay in `grammar.errors`. */
export class TooManySyntaxErrors extends Error {
  constructor() {
    super("too many syntax errors to go on");
    this.name = "TooManySyntaxErrors";
  }
}

/** chevrotain's recording of an error and its follow sets (not in its published types). */
interface Internals {
  SAVE_ERROR(this: CstParser, error: IRecognitionException): IRecognitionException;
  flattenFollowSet(this: CstParser): TokenType[];
}
const internals = CstParser.prototype as unknown as Internals;

export class HeedGrammar extends CstParser {
  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true, maxLookahead: 4, nodeLocationTracking: "full",
      errorMessageProvider,
    });
    this.performSelfAnalysis();
  }

  /** Tokens looked at by recoveries in this parse (see {@link MAX_RECOVERY_STEPS}). */
  private recoverySteps = 0;

  override reset(): void {
    super.reset();
    this.recoverySteps = 0;
  }

  /** Records a recognition error, and stops the parse at {@link MAX_RECOGNITION_ERRORS}. */
  SAVE_ERROR(error: IRecognitionException): IRecognitionException {
    const saved = internals.SAVE_ERROR.call(this, error);
    if (this.errors.length >= MAX_RECOGNITION_ERRORS) throw new TooManySyntaxErrors();
    return saved;
  }

  /**
   * chevrotain's own search for the token to resume at (the first ahead that
   * may follow a rule on the stack; EOF always may), counting the tokens it
   * looks at against {@link MAX_RECOVERY_STEPS}.
   */
  findReSyncTokenType(): TokenType {
    const follows = internals.flattenFollowSet.call(this);
    let next: IToken = this.LA(1);
    for (let k = 2; ; k++) {
      for (const type of follows) if (tokenMatcher(next, type)) return type;
      if (++this.recoverySteps > MAX_RECOVERY_STEPS) throw new TooManySyntaxErrors();
      next = this.LA(k);
    }
  }

  // ------------------------------------------------------------ policy

  public policy = this.RULE("policy", () => {
    this.CONSUME(T.Cadence);
    this.OR([{ ALT: () => this.CONSUME(T.StringLiteral) }, { ALT: () => this.CONSUME(T.Identifier) }]);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.policyItem));
    this.CONSUME(T.RCurly);
  });

  public policyItem = this.RULE("policyItem", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.timezoneLine) },
      { ALT: () => this.SUBRULE(this.channelsLine) },
      { ALT: () => this.SUBRULE(this.engagementLine) },
      { ALT: () => this.SUBRULE(this.ignoreWindowLine) },
      { ALT: () => this.SUBRULE(this.holidaysLine) },
      { ALT: () => this.SUBRULE(this.appliesLine) },
      { ALT: () => this.SUBRULE(this.attributesBlock) },
      { ALT: () => this.SUBRULE(this.signalsBlock) },
      { ALT: () => this.SUBRULE(this.stageDecl) },
      { ALT: () => this.SUBRULE(this.transition) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.allowLine) },
      { ALT: () => this.SUBRULE(this.unknownStatement) },
    ]);
  });

  /**
   * A line that starts with a word that starts no statement (`nevr call ...`):
   * the rest of its line, and a `{ ... }` block after it, are read so the
   * statements after it still parse; the CST -> AST step reports it.
   */
  public unknownStatement = this.RULE("unknownStatement", () => {
    const line = this.LA(1).startLine;
    this.CONSUME(T.Identifier);
    this.MANY({
      GATE: () => {
        const next = this.LA(1);
        return next.startLine === line && next.tokenType !== T.LCurly && next.tokenType !== T.RCurly;
      },
      DEF: () => this.CONSUME(T.Anything),
    });
    this.OPTION(() => {
      this.CONSUME(T.LCurly);
      this.MANY2(() => this.SUBRULE(this.stageItem));
      this.CONSUME(T.RCurly);
    });
  });

  public timezoneLine = this.RULE("timezoneLine", () => {
    this.CONSUME(T.Timezone);
    this.CONSUME(T.From);
    this.SUBRULE(this.path);
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.CONSUME(T.StringLiteral);
    });
  });

  public channelsLine = this.RULE("channelsLine", () => {
    this.CONSUME(T.Channels);
    this.SUBRULE(this.nameList);
  });

  public engagementLine = this.RULE("engagementLine", () => {
    this.CONSUME(T.Engagement);
    this.SUBRULE(this.nameList);
  });

  public ignoreWindowLine = this.RULE("ignoreWindowLine", () => {
    this.CONSUME(T.Ignore);
    this.CONSUME(T.Window);
    this.SUBRULE(this.duration);
  });

  public holidaysLine = this.RULE("holidaysLine", () => {
    this.CONSUME(T.Holidays);
    this.OR([
      // `holidays from contact.country else "US"`: the public holidays of the contact's region
      {
        ALT: () => {
          this.CONSUME(T.From);
          this.SUBRULE(this.path);
          this.OPTION(() => {
            this.CONSUME(T.Else);
            this.CONSUME(T.StringLiteral);
          });
        },
      },
      { ALT: () => this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.DateLiteral) }) },
    ]);
  });

  public appliesLine = this.RULE("appliesLine", () => {
    this.CONSUME(T.Applies);
    this.CONSUME(T.When);
    this.SUBRULE(this.condition);
  });

  // ------------------------------------------------------------ vocabulary (spec section 8.1)

  /** `attributes { customer: boolean  role: "analyst" | "student" }`. */
  public attributesBlock = this.RULE("attributesBlock", () => {
    this.CONSUME(T.Attributes);
    this.CONSUME(T.LCurly);
    this.SUBRULE(this.declarations);
    this.CONSUME(T.RCurly);
  });

  /** `signals { reply { sentiment: "positive" | "negative", prefers: string }  webinar_attended }`. */
  public signalsBlock = this.RULE("signalsBlock", () => {
    this.CONSUME(T.Signals);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.signalDeclaration));
    this.CONSUME(T.RCurly);
  });

  public signalDeclaration = this.RULE("signalDeclaration", () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LCurly);
      this.SUBRULE(this.declarations);
      this.CONSUME(T.RCurly);
    });
  });

  /** Declarations, one a line or separated by commas. */
  public declarations = this.RULE("declarations", () => {
    this.MANY(() => {
      this.SUBRULE(this.declaration);
      this.OPTION(() => this.CONSUME(T.Comma));
    });
  });

  /** `NAME: TYPE`; a name may be any word, as a path segment after `contact.` may. */
  public declaration = this.RULE("declaration", () => {
    this.CONSUME(T.Word);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.valueType);
  });

  /** `string`, `number`, `boolean`, `list` (any other word is reported as an unknown type), or `"a" | "b"`. */
  public valueType = this.RULE("valueType", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.AT_LEAST_ONE_SEP({ SEP: T.Pipe, DEF: () => this.CONSUME(T.StringLiteral) }) },
    ]);
  });

  public nameList = this.RULE("nameList", () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier) });
  });

  // ------------------------------------------------------------ stages

  public stageDecl = this.RULE("stageDecl", () => {
    this.OPTION(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Start) }, { ALT: () => this.CONSUME(T.Final) }]);
    });
    this.CONSUME(T.Stage);
    this.CONSUME(T.Identifier);
    this.OPTION2(() => {
      this.CONSUME(T.LCurly);
      this.MANY(() => this.SUBRULE(this.stageItem));
      this.CONSUME(T.RCurly);
    });
  });

  public stageItem = this.RULE("stageItem", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.allowLine) },
      { ALT: () => this.SUBRULE(this.transition) },
      { ALT: () => this.SUBRULE(this.ruleDecl) },
      { ALT: () => this.SUBRULE(this.unknownStatement) },
    ]);
  });

  public allowLine = this.RULE("allowLine", () => {
    this.CONSUME(T.Allow);
    this.SUBRULE(this.nameList);
  });

  // ------------------------------------------------------------ transitions

  public transition = this.RULE("transition", () => {
    this.SUBRULE(this.trigger);
    this.CONSUME(T.Move);
    this.CONSUME(T.To);
    this.CONSUME(T.Identifier);
  });

  public trigger = this.RULE("trigger", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.After);
          this.SUBRULE(this.afterSpec);
        },
      },
      { ALT: () => this.SUBRULE(this.signalTrigger) },
      {
        ALT: () => {
          this.CONSUME(T.When);
          this.SUBRULE(this.condition);
        },
      },
    ]);
  });

  public signalTrigger = this.RULE("signalTrigger", () => {
    this.CONSUME(T.On);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.condition);
    });
  });

  /** `N ignored touches`, `N touches` or a duration. */
  public afterSpec = this.RULE("afterSpec", () => {
    this.OR([
      {
        GATE: () => this.isCountedTouches(),
        ALT: () => {
          this.SUBRULE(this.count);
          this.OPTION(() => this.CONSUME(T.Ignored));
          this.SUBRULE(this.touchWord);
        },
      },
      { ALT: () => this.SUBRULE(this.duration) },
    ]);
  });

  /** Looks past an optional `-` and the number for `ignored`, `touch` or `touches`. */
  private isCountedTouches(): boolean {
    let k = 1;
    if (this.LA(k).tokenType === T.Dash) k++;
    k++;
    const next = this.LA(k).tokenType;
    return next === T.Ignored || next === T.Touch || next === T.Touches;
  }

  public touchWord = this.RULE("touchWord", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Touch) }, { ALT: () => this.CONSUME(T.Touches) }]);
  });

  // ------------------------------------------------------------ rules

  public ruleDecl = this.RULE("ruleDecl", () => {
    // A rule's name sits between `rule` and `:`, so any word can be one (`rule quiet: ...`).
    this.OPTION(() => {
      this.CONSUME(T.Rule);
      this.CONSUME(T.Word);
      this.CONSUME(T.Colon);
    });
    this.SUBRULE(this.ruleBody);
  });

  public ruleBody = this.RULE("ruleBody", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.neverRule) },
      { ALT: () => this.SUBRULE(this.atMostRule) },
      { ALT: () => this.SUBRULE(this.atLeastRule) },
      { ALT: () => this.SUBRULE(this.quietHoursRule) },
      { ALT: () => this.SUBRULE(this.businessDaysRule) },
    ]);
    // on the rule's own line: a `when` starting the next line is a transition (`when COND move to S`)
    this.OPTION({
      GATE: () => this.LA(1).startLine === this.LA(0).endLine,
      DEF: () => this.SUBRULE(this.ruleCondition),
    });
  });

  /** `when COND` or `unless COND` after a rule (spec section 8.3). */
  public ruleCondition = this.RULE("ruleCondition", () => {
    this.OR([{ ALT: () => this.CONSUME(T.When) }, { ALT: () => this.CONSUME(T.Unless) }]);
    this.SUBRULE(this.condition);
  });

  public neverRule = this.RULE("neverRule", () => {
    this.CONSUME(T.Never);
    this.SUBRULE(this.channelSet);
    this.OPTION(() => {
      this.CONSUME(T.Tagged);
      this.CONSUME(T.StringLiteral);
    });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Without);
          this.CONSUME(T.Identifier);
          this.OPTION2(() => this.SUBRULE(this.whereClause));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.After);
          this.CONSUME2(T.Identifier);
          this.OPTION3(() => this.SUBRULE2(this.whereClause));
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Within);
          this.SUBRULE(this.duration);
          this.CONSUME(T.Of);
          this.CONSUME3(T.Identifier);
          this.OPTION4(() => this.SUBRULE3(this.whereClause));
        },
      },
      { ALT: () => this.SUBRULE(this.ruleCondition) },
    ]);
  });

  public whereClause = this.RULE("whereClause", () => {
    this.CONSUME(T.Where);
    this.SUBRULE(this.condition);
  });

  public atMostRule = this.RULE("atMostRule", () => {
    this.CONSUME(T.At);
    this.CONSUME(T.Most);
    this.SUBRULE(this.count);
    this.SUBRULE(this.channelSet);
    this.CONSUME(T.Per);
    this.SUBRULE(this.windowBody);
    this.OPTION(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Across) }, { ALT: () => this.CONSUME(T.By) }]);
      this.CONSUME(T.Identifier);
    });
  });

  public atLeastRule = this.RULE("atLeastRule", () => {
    this.CONSUME(T.At);
    this.CONSUME(T.Least);
    this.SUBRULE(this.duration);
    this.CONSUME(T.Between);
    this.SUBRULE(this.channelSet);
  });

  public quietHoursRule = this.RULE("quietHoursRule", () => {
    this.CONSUME(T.Quiet);
    this.CONSUME(T.Hours);
    this.SUBRULE(this.timeRange);
    this.OPTION(() => this.SUBRULE(this.forClause));
  });

  public timeRange = this.RULE("timeRange", () => {
    this.CONSUME(T.TimeLiteral);
    this.OR([{ ALT: () => this.CONSUME(T.To) }, { ALT: () => this.CONSUME(T.Dash) }]);
    this.CONSUME2(T.TimeLiteral);
  });

  public businessDaysRule = this.RULE("businessDaysRule", () => {
    this.CONSUME(T.Only);
    this.CONSUME(T.Business);
    this.OR([{ ALT: () => this.CONSUME(T.Days) }, { ALT: () => this.CONSUME(T.Day) }]);
    this.OPTION(() => this.SUBRULE(this.forClause));
  });

  public forClause = this.RULE("forClause", () => {
    this.CONSUME(T.For);
    this.SUBRULE(this.channelSet);
  });

  /** `any`, `touches` (or `touch`), or a list of channel names. */
  public channelSet = this.RULE("channelSet", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Any) },
      { ALT: () => this.SUBRULE(this.touchWord) },
      { ALT: () => this.SUBRULE(this.nameList) },
    ]);
  });

  // ------------------------------------------------------------ numbers and time

  /** A count; a leading `-` is accepted here so that a negative count gets its own message. */
  public count = this.RULE("count", () => {
    this.OPTION(() => this.CONSUME(T.Dash));
    this.CONSUME(T.NumberLiteral);
  });

  public duration = this.RULE("duration", () => {
    this.SUBRULE(this.count);
    this.OPTION(() => this.CONSUME(T.Business));
    this.SUBRULE(this.unit);
  });

  /** A duration unit; any other word is accepted and reported as an unknown unit. */
  public unit = this.RULE("unit", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Minute) },
      { ALT: () => this.CONSUME(T.Minutes) },
      { ALT: () => this.CONSUME(T.Hour) },
      { ALT: () => this.CONSUME(T.Hours) },
      { ALT: () => this.CONSUME(T.Day) },
      { ALT: () => this.CONSUME(T.Days) },
      { ALT: () => this.CONSUME(T.Week) },
      { ALT: () => this.CONSUME(T.Weeks) },
      { ALT: () => this.CONSUME(T.Identifier) },
    ]);
  });

  /** What follows `per`: `day`, `week` or a count and a unit. */
  public windowBody = this.RULE("windowBody", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Day) },
      { ALT: () => this.CONSUME(T.Week) },
      { ALT: () => this.SUBRULE(this.duration) },
    ]);
  });

  // ------------------------------------------------------------ conditions

  public condition = this.RULE("condition", () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpr);
    });
  });

  public andExpr = this.RULE("andExpr", () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpr);
    });
  });

  public notExpr = this.RULE("notExpr", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.notExpr);
        },
      },
      { ALT: () => this.SUBRULE(this.atom) },
    ]);
  });

  public atom = this.RULE("atom", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.condition);
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Exists);
          this.SUBRULE(this.path);
        },
      },
      {
        // `seen(...)` is a condition by itself; the other facts are values (operands)
        GATE: () => this.LA(1).image === "seen" && this.LA(2).tokenType === T.LParen,
        ALT: () => this.SUBRULE(this.fact),
        IGNORE_AMBIGUITIES: true,
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  /**
   * A fact about the history (spec section 8.2): `seen(reply where ...)`,
   * `count(reply)`, `last(reply).prefers`, `touches(email)`,
   * `total_touches(call, sms)`. The grammar takes any name and any body
   * (a channel set with an optional `where`) so that the CST -> AST step
   * can say precisely what is wrong.
   */
  public fact = this.RULE("fact", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Identifier) }, { ALT: () => this.CONSUME(T.Touches) }]);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.channelSet);
    this.OPTION(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.condition);
    });
    this.CONSUME(T.RParen);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.Word);
    });
  });

  public comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.operand);
    this.OR([
      {
        ALT: () => {
          this.SUBRULE(this.compareOp);
          this.SUBRULE2(this.operand);
        },
      },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.Not));
          this.CONSUME(T.In);
          this.SUBRULE3(this.operand);
        },
      },
    ]);
  });

  public compareOp = this.RULE("compareOp", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Equal) },
      { ALT: () => this.CONSUME(T.NotEqual) },
      { ALT: () => this.CONSUME(T.LessEqual) },
      { ALT: () => this.CONSUME(T.GreaterEqual) },
      { ALT: () => this.CONSUME(T.Less) },
      { ALT: () => this.CONSUME(T.Greater) },
      { ALT: () => this.CONSUME(T.SingleEqual) },
    ]);
  });

  public operand = this.RULE("operand", () => {
    this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.LParen,
        ALT: () => this.SUBRULE(this.fact),
      },
      { ALT: () => this.SUBRULE(this.path) },
      { ALT: () => this.SUBRULE(this.list) },
      {
        GATE: () => this.isDurationAhead(),
        ALT: () => this.SUBRULE(this.duration),
      },
      { ALT: () => this.SUBRULE(this.literal) },
    ]);
  });

  /** A number followed by `business` or a unit word. */
  private isDurationAhead(): boolean {
    let k = 1;
    if (this.LA(k).tokenType === T.Dash) k++;
    if (this.LA(k).tokenType !== T.NumberLiteral) return false;
    const next = this.LA(k + 1).tokenType;
    return (
      next === T.Business ||
      next === T.Minute ||
      next === T.Minutes ||
      next === T.Hour ||
      next === T.Hours ||
      next === T.Day ||
      next === T.Days ||
      next === T.Week ||
      next === T.Weeks
    );
  }

  public literal = this.RULE("literal", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.SUBRULE(this.count) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
    ]);
  });

  public list = this.RULE("list", () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.literal) });
    this.CONSUME(T.RBracket);
  });

  /** `contact.role`, `touch.campaign`, `sentiment`, `total_touches`. */
  public path = this.RULE("path", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.Touch) },
      { ALT: () => this.CONSUME(T.Touches) },
      { ALT: () => this.CONSUME(T.Ignored) },
    ]);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.Word);
    });
  });

  // ------------------------------------------------------------ leaf entry points (YAML values)

  public durationLeaf = this.RULE("durationLeaf", () => {
    this.SUBRULE(this.duration);
  });

  public windowLeaf = this.RULE("windowLeaf", () => {
    this.OPTION(() => this.CONSUME(T.Per));
    this.SUBRULE(this.windowBody);
  });

  public conditionLeaf = this.RULE("conditionLeaf", () => {
    this.SUBRULE(this.condition);
  });

  public timeLeaf = this.RULE("timeLeaf", () => {
    this.CONSUME(T.TimeLiteral);
  });

  public quietHoursLeaf = this.RULE("quietHoursLeaf", () => {
    this.SUBRULE(this.timeRange);
  });

  public afterLeaf = this.RULE("afterLeaf", () => {
    this.SUBRULE(this.afterSpec);
  });

  public channelSetLeaf = this.RULE("channelSetLeaf", () => {
    this.SUBRULE(this.channelSet);
  });
}

/** The one parser instance (chevrotain parsers are reusable: set `input`, call a rule). */
export const grammar = new HeedGrammar();

/** The entry rules by name. */
export type EntryRule =
  | "policy"
  | "durationLeaf"
  | "windowLeaf"
  | "conditionLeaf"
  | "timeLeaf"
  | "quietHoursLeaf"
  | "afterLeaf"
  | "channelSetLeaf";

/**
 * The CST's types, generated from the grammar by chevrotain's
 * `generateCstDts`: the CST -> AST step reads children by these names, so
 * a renamed rule or token is a compile error there. Regenerate with
 * `HEED_WRITE_CST=1 npx vitest run test/parser/cst-types.test.ts`.
 *
 * @module
 */

/* eslint-disable */
import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface PolicyCstNode extends CstNode {
  name: "policy";
  children: PolicyCstChildren;
}

export type PolicyCstChildren = {
  Cadence: IToken[];
  StringLiteral?: IToken[];
  Identifier?: IToken[];
  LCurly: IToken[];
  policyItem?: PolicyItemCstNode[];
  RCurly: IToken[];
};

export interface PolicyItemCstNode extends CstNode {
  name: "policyItem";
  children: PolicyItemCstChildren;
}

export type PolicyItemCstChildren = {
  timezoneLine?: TimezoneLineCstNode[];
  channelsLine?: ChannelsLineCstNode[];
  engagementLine?: EngagementLineCstNode[];
  ignoreWindowLine?: IgnoreWindowLineCstNode[];
  holidaysLine?: HolidaysLineCstNode[];
  appliesLine?: AppliesLineCstNode[];
  attributesBlock?: AttributesBlockCstNode[];
  signalsBlock?: SignalsBlockCstNode[];
  stageDecl?: StageDeclCstNode[];
  transition?: TransitionCstNode[];
  ruleDecl?: RuleDeclCstNode[];
  allowLine?: AllowLineCstNode[];
  unknownStatement?: UnknownStatementCstNode[];
};

export interface UnknownStatementCstNode extends CstNode {
  name: "unknownStatement";
  children: UnknownStatementCstChildren;
}

export type UnknownStatementCstChildren = {
  Identifier: IToken[];
  Anything?: IToken[];
  LCurly?: IToken[];
  stageItem?: StageItemCstNode[];
  RCurly?: IToken[];
};

export interface TimezoneLineCstNode extends CstNode {
  name: "timezoneLine";
  children: TimezoneLineCstChildren;
}

export type TimezoneLineCstChildren = {
  Timezone: IToken[];
  From: IToken[];
  path: PathCstNode[];
  Else?: IToken[];
  StringLiteral?: IToken[];
};

export interface ChannelsLineCstNode extends CstNode {
  name: "channelsLine";
  children: ChannelsLineCstChildren;
}

export type ChannelsLineCstChildren = {
  Channels: IToken[];
  nameList: NameListCstNode[];
};

export interface EngagementLineCstNode extends CstNode {
  name: "engagementLine";
  children: EngagementLineCstChildren;
}

export type EngagementLineCstChildren = {
  Engagement: IToken[];
  nameList: NameListCstNode[];
};

export interface IgnoreWindowLineCstNode extends CstNode {
  name: "ignoreWindowLine";
  children: IgnoreWindowLineCstChildren;
}

export type IgnoreWindowLineCstChildren = {
  Ignore: IToken[];
  Window: IToken[];
  duration: DurationCstNode[];
};

export interface HolidaysLineCstNode extends CstNode {
  name: "holidaysLine";
  children: HolidaysLineCstChildren;
}

export type HolidaysLineCstChildren = {
  Holidays: IToken[];
  From?: IToken[];
  path?: PathCstNode[];
  Else?: IToken[];
  StringLiteral?: IToken[];
  DateLiteral?: IToken[];
  Comma?: IToken[];
};

export interface AppliesLineCstNode extends CstNode {
  name: "appliesLine";
  children: AppliesLineCstChildren;
}

export type AppliesLineCstChildren = {
  Applies: IToken[];
  When: IToken[];
  condition: ConditionCstNode[];
};

export interface AttributesBlockCstNode extends CstNode {
  name: "attributesBlock";
  children: AttributesBlockCstChildren;
}

export type AttributesBlockCstChildren = {
  Attributes: IToken[];
  LCurly: IToken[];
  declarations: DeclarationsCstNode[];
  RCurly: IToken[];
};

export interface SignalsBlockCstNode extends CstNode {
  name: "signalsBlock";
  children: SignalsBlockCstChildren;
}

export type SignalsBlockCstChildren = {
  Signals: IToken[];
  LCurly: IToken[];
  signalDeclaration?: SignalDeclarationCstNode[];
  RCurly: IToken[];
};

export interface SignalDeclarationCstNode extends CstNode {
  name: "signalDeclaration";
  children: SignalDeclarationCstChildren;
}

export type SignalDeclarationCstChildren = {
  Identifier: IToken[];
  LCurly?: IToken[];
  declarations?: DeclarationsCstNode[];
  RCurly?: IToken[];
};

export interface DeclarationsCstNode extends CstNode {
  name: "declarations";
  children: DeclarationsCstChildren;
}

export type DeclarationsCstChildren = {
  declaration?: DeclarationCstNode[];
  Comma?: IToken[];
};

export interface DeclarationCstNode extends CstNode {
  name: "declaration";
  children: DeclarationCstChildren;
}

export type DeclarationCstChildren = {
  Word: IToken[];
  Colon: IToken[];
  valueType: ValueTypeCstNode[];
};

export interface ValueTypeCstNode extends CstNode {
  name: "valueType";
  children: ValueTypeCstChildren;
}

export type ValueTypeCstChildren = {
  Identifier?: IToken[];
  StringLiteral?: IToken[];
  Pipe?: IToken[];
};

export interface NameListCstNode extends CstNode {
  name: "nameList";
  children: NameListCstChildren;
}

export type NameListCstChildren = {
  Identifier: IToken[];
  Comma?: IToken[];
};

export interface StageDeclCstNode extends CstNode {
  name: "stageDecl";
  children: StageDeclCstChildren;
}

export type StageDeclCstChildren = {
  Start?: IToken[];
  Final?: IToken[];
  Stage: IToken[];
  Identifier: IToken[];
  LCurly?: IToken[];
  stageItem?: StageItemCstNode[];
  RCurly?: IToken[];
};

export interface StageItemCstNode extends CstNode {
  name: "stageItem";
  children: StageItemCstChildren;
}

export type StageItemCstChildren = {
  allowLine?: AllowLineCstNode[];
  transition?: TransitionCstNode[];
  ruleDecl?: RuleDeclCstNode[];
  unknownStatement?: UnknownStatementCstNode[];
};

export interface AllowLineCstNode extends CstNode {
  name: "allowLine";
  children: AllowLineCstChildren;
}

export type AllowLineCstChildren = {
  Allow: IToken[];
  nameList: NameListCstNode[];
};

export interface TransitionCstNode extends CstNode {
  name: "transition";
  children: TransitionCstChildren;
}

export type TransitionCstChildren = {
  trigger: TriggerCstNode[];
  Move: IToken[];
  To: IToken[];
  Identifier: IToken[];
};

export interface TriggerCstNode extends CstNode {
  name: "trigger";
  children: TriggerCstChildren;
}

export type TriggerCstChildren = {
  After?: IToken[];
  afterSpec?: AfterSpecCstNode[];
  signalTrigger?: SignalTriggerCstNode[];
  When?: IToken[];
  condition?: ConditionCstNode[];
};

export interface SignalTriggerCstNode extends CstNode {
  name: "signalTrigger";
  children: SignalTriggerCstChildren;
}

export type SignalTriggerCstChildren = {
  On: IToken[];
  Identifier: IToken[];
  Where?: IToken[];
  condition?: ConditionCstNode[];
};

export interface AfterSpecCstNode extends CstNode {
  name: "afterSpec";
  children: AfterSpecCstChildren;
}

export type AfterSpecCstChildren = {
  count?: CountCstNode[];
  Ignored?: IToken[];
  touchWord?: TouchWordCstNode[];
  duration?: DurationCstNode[];
};

export interface TouchWordCstNode extends CstNode {
  name: "touchWord";
  children: TouchWordCstChildren;
}

export type TouchWordCstChildren = {
  Touch?: IToken[];
  Touches?: IToken[];
};

export interface RuleDeclCstNode extends CstNode {
  name: "ruleDecl";
  children: RuleDeclCstChildren;
}

export type RuleDeclCstChildren = {
  Rule?: IToken[];
  Word?: IToken[];
  Colon?: IToken[];
  ruleBody: RuleBodyCstNode[];
};

export interface RuleBodyCstNode extends CstNode {
  name: "ruleBody";
  children: RuleBodyCstChildren;
}

export type RuleBodyCstChildren = {
  neverRule?: NeverRuleCstNode[];
  atMostRule?: AtMostRuleCstNode[];
  atLeastRule?: AtLeastRuleCstNode[];
  quietHoursRule?: QuietHoursRuleCstNode[];
  businessDaysRule?: BusinessDaysRuleCstNode[];
  ruleCondition?: RuleConditionCstNode[];
};

export interface RuleConditionCstNode extends CstNode {
  name: "ruleCondition";
  children: RuleConditionCstChildren;
}

export type RuleConditionCstChildren = {
  When?: IToken[];
  Unless?: IToken[];
  condition: ConditionCstNode[];
};

export interface NeverRuleCstNode extends CstNode {
  name: "neverRule";
  children: NeverRuleCstChildren;
}

export type NeverRuleCstChildren = {
  Never: IToken[];
  channelSet: ChannelSetCstNode[];
  Tagged?: IToken[];
  StringLiteral?: IToken[];
  Without?: IToken[];
  Identifier?: (IToken)[];
  whereClause?: (WhereClauseCstNode)[];
  After?: IToken[];
  Within?: IToken[];
  duration?: DurationCstNode[];
  Of?: IToken[];
  ruleCondition?: RuleConditionCstNode[];
};

export interface WhereClauseCstNode extends CstNode {
  name: "whereClause";
  children: WhereClauseCstChildren;
}

export type WhereClauseCstChildren = {
  Where: IToken[];
  condition: ConditionCstNode[];
};

export interface AtMostRuleCstNode extends CstNode {
  name: "atMostRule";
  children: AtMostRuleCstChildren;
}

export type AtMostRuleCstChildren = {
  At: IToken[];
  Most: IToken[];
  count: CountCstNode[];
  channelSet: ChannelSetCstNode[];
  Per: IToken[];
  windowBody: WindowBodyCstNode[];
  Across?: IToken[];
  By?: IToken[];
  Identifier?: IToken[];
};

export interface AtLeastRuleCstNode extends CstNode {
  name: "atLeastRule";
  children: AtLeastRuleCstChildren;
}

export type AtLeastRuleCstChildren = {
  At: IToken[];
  Least: IToken[];
  duration: DurationCstNode[];
  Between: IToken[];
  channelSet: ChannelSetCstNode[];
};

export interface QuietHoursRuleCstNode extends CstNode {
  name: "quietHoursRule";
  children: QuietHoursRuleCstChildren;
}

export type QuietHoursRuleCstChildren = {
  Quiet: IToken[];
  Hours: IToken[];
  timeRange: TimeRangeCstNode[];
  forClause?: ForClauseCstNode[];
};

export interface TimeRangeCstNode extends CstNode {
  name: "timeRange";
  children: TimeRangeCstChildren;
}

export type TimeRangeCstChildren = {
  TimeLiteral: (IToken)[];
  To?: IToken[];
  Dash?: IToken[];
};

export interface BusinessDaysRuleCstNode extends CstNode {
  name: "businessDaysRule";
  children: BusinessDaysRuleCstChildren;
}

export type BusinessDaysRuleCstChildren = {
  Only: IToken[];
  Business: IToken[];
  Days?: IToken[];
  Day?: IToken[];
  forClause?: ForClauseCstNode[];
};

export interface ForClauseCstNode extends CstNode {
  name: "forClause";
  children: ForClauseCstChildren;
}

export type ForClauseCstChildren = {
  For: IToken[];
  channelSet: ChannelSetCstNode[];
};

export interface ChannelSetCstNode extends CstNode {
  name: "channelSet";
  children: ChannelSetCstChildren;
}

export type ChannelSetCstChildren = {
  Any?: IToken[];
  touchWord?: TouchWordCstNode[];
  nameList?: NameListCstNode[];
};

export interface CountCstNode extends CstNode {
  name: "count";
  children: CountCstChildren;
}

export type CountCstChildren = {
  Dash?: IToken[];
  NumberLiteral: IToken[];
};

export interface DurationCstNode extends CstNode {
  name: "duration";
  children: DurationCstChildren;
}

export type DurationCstChildren = {
  count: CountCstNode[];
  Business?: IToken[];
  unit: UnitCstNode[];
};

export interface UnitCstNode extends CstNode {
  name: "unit";
  children: UnitCstChildren;
}

export type UnitCstChildren = {
  Minute?: IToken[];
  Minutes?: IToken[];
  Hour?: IToken[];
  Hours?: IToken[];
  Day?: IToken[];
  Days?: IToken[];
  Week?: IToken[];
  Weeks?: IToken[];
  Identifier?: IToken[];
};

export interface WindowBodyCstNode extends CstNode {
  name: "windowBody";
  children: WindowBodyCstChildren;
}

export type WindowBodyCstChildren = {
  Day?: IToken[];
  Week?: IToken[];
  duration?: DurationCstNode[];
};

export interface ConditionCstNode extends CstNode {
  name: "condition";
  children: ConditionCstChildren;
}

export type ConditionCstChildren = {
  andExpr: (AndExprCstNode)[];
  Or?: IToken[];
};

export interface AndExprCstNode extends CstNode {
  name: "andExpr";
  children: AndExprCstChildren;
}

export type AndExprCstChildren = {
  notExpr: (NotExprCstNode)[];
  And?: IToken[];
};

export interface NotExprCstNode extends CstNode {
  name: "notExpr";
  children: NotExprCstChildren;
}

export type NotExprCstChildren = {
  Not?: IToken[];
  notExpr?: NotExprCstNode[];
  atom?: AtomCstNode[];
};

export interface AtomCstNode extends CstNode {
  name: "atom";
  children: AtomCstChildren;
}

export type AtomCstChildren = {
  LParen?: IToken[];
  condition?: ConditionCstNode[];
  RParen?: IToken[];
  Exists?: IToken[];
  path?: PathCstNode[];
  fact?: FactCstNode[];
  comparison?: ComparisonCstNode[];
};

export interface FactCstNode extends CstNode {
  name: "fact";
  children: FactCstChildren;
}

export type FactCstChildren = {
  Identifier?: IToken[];
  Touches?: IToken[];
  LParen: IToken[];
  channelSet: ChannelSetCstNode[];
  Where?: IToken[];
  condition?: ConditionCstNode[];
  RParen: IToken[];
  Dot?: IToken[];
  Word?: IToken[];
};

export interface ComparisonCstNode extends CstNode {
  name: "comparison";
  children: ComparisonCstChildren;
}

export type ComparisonCstChildren = {
  operand: (OperandCstNode)[];
  compareOp?: CompareOpCstNode[];
  Not?: IToken[];
  In?: IToken[];
};

export interface CompareOpCstNode extends CstNode {
  name: "compareOp";
  children: CompareOpCstChildren;
}

export type CompareOpCstChildren = {
  Equal?: IToken[];
  NotEqual?: IToken[];
  LessEqual?: IToken[];
  GreaterEqual?: IToken[];
  Less?: IToken[];
  Greater?: IToken[];
  SingleEqual?: IToken[];
};

export interface OperandCstNode extends CstNode {
  name: "operand";
  children: OperandCstChildren;
}

export type OperandCstChildren = {
  fact?: FactCstNode[];
  path?: PathCstNode[];
  list?: ListCstNode[];
  duration?: DurationCstNode[];
  literal?: LiteralCstNode[];
};

export interface LiteralCstNode extends CstNode {
  name: "literal";
  children: LiteralCstChildren;
}

export type LiteralCstChildren = {
  StringLiteral?: IToken[];
  count?: CountCstNode[];
  True?: IToken[];
  False?: IToken[];
};

export interface ListCstNode extends CstNode {
  name: "list";
  children: ListCstChildren;
}

export type ListCstChildren = {
  LBracket: IToken[];
  literal?: LiteralCstNode[];
  Comma?: IToken[];
  RBracket: IToken[];
};

export interface PathCstNode extends CstNode {
  name: "path";
  children: PathCstChildren;
}

export type PathCstChildren = {
  Identifier?: IToken[];
  Touch?: IToken[];
  Touches?: IToken[];
  Ignored?: IToken[];
  Dot?: IToken[];
  Word?: IToken[];
};

export interface DurationLeafCstNode extends CstNode {
  name: "durationLeaf";
  children: DurationLeafCstChildren;
}

export type DurationLeafCstChildren = {
  duration: DurationCstNode[];
};

export interface WindowLeafCstNode extends CstNode {
  name: "windowLeaf";
  children: WindowLeafCstChildren;
}

export type WindowLeafCstChildren = {
  Per?: IToken[];
  windowBody: WindowBodyCstNode[];
};

export interface ConditionLeafCstNode extends CstNode {
  name: "conditionLeaf";
  children: ConditionLeafCstChildren;
}

export type ConditionLeafCstChildren = {
  condition: ConditionCstNode[];
};

export interface TimeLeafCstNode extends CstNode {
  name: "timeLeaf";
  children: TimeLeafCstChildren;
}

export type TimeLeafCstChildren = {
  TimeLiteral: IToken[];
};

export interface QuietHoursLeafCstNode extends CstNode {
  name: "quietHoursLeaf";
  children: QuietHoursLeafCstChildren;
}

export type QuietHoursLeafCstChildren = {
  timeRange: TimeRangeCstNode[];
};

export interface AfterLeafCstNode extends CstNode {
  name: "afterLeaf";
  children: AfterLeafCstChildren;
}

export type AfterLeafCstChildren = {
  afterSpec: AfterSpecCstNode[];
};

export interface ChannelSetLeafCstNode extends CstNode {
  name: "channelSetLeaf";
  children: ChannelSetLeafCstChildren;
}

export type ChannelSetLeafCstChildren = {
  channelSet: ChannelSetCstNode[];
};

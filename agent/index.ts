/**
 * `agent-runtime/agent`: the SDK of agents that run on the platform. Serve skills and chat
 * (`serveAgent`), call other agents' skills (`callSkill`), discover agents (`findAgents`,
 * `watchAgents`), with the platform's metrics, lineage headers and resilience built in.
 */
export { serveAgent } from './serve-agent';
export type { ServeAgentOptions, RunningAgent } from './serve-agent';
export type { ResultCacheLimits } from './result-cache';
export { callSkill, SkillClient, SkillCallError } from './call-skill';
export type { CallOptions, SkillCallInput, SkillReply, SkillEvent, CallFailure } from './call-skill';
export { findAgents, watchAgents } from './find-agents';
export type { AgentQuery, FoundAgent, AgentWatch, DiscoveryOptions } from './find-agents';
export type { SkillHandler, SkillInput, SkillContext, SkillResult, SkillPiece } from './skill-executor';
export type { ChatHandler, ChatInput, ChatContext, TokenUsage } from './chat';
export { AgentMetrics } from './metrics';
export type { FailureReason } from './metrics';
export type { CardDefaults } from './card';
export { currentLineage, SKILL_HEADER, TRACE_ID_HEADER, PARENT_AGENT_HEADER, PARENT_REQUEST_HEADER } from './lineage';
export type { Lineage } from './lineage';
export { readPlatformSettings, parseCallTable } from './settings';
export type { CallSetting, PlatformSettings } from './settings';
export { readMemorySettings } from './memory-settings';
export type { MemorySettings } from './memory-settings';
export { ToolApprovals, ToolCallNotApproved, TOOLS_REQUIRE_APPROVAL_ENV } from './tool-approval';
export type { ApprovalDecision, ApprovalRequest, ToolApprovalOptions, ToolCall } from './tool-approval';

/** @file Scripted agents, the agent spec registry and matches. */
export type { Agent } from './agent.js';
export { AGENTS, AGENT_SPECS, createAgent, type AgentSpec } from './registry.js';
export { playGame, playMatch, type MatchResult, type SeatResult } from './match.js';
export { RandomAgent } from './random_agent.js';
export { GreedyAgent } from './greedy_agent.js';
export { MinimaxAgent } from './minimax_agent.js';
export { MctsAgent } from './mcts_agent.js';
export { NashAgent } from './nash_agent.js';
export { HumanAgent } from './human_agent.js';

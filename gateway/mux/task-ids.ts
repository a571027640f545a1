// Task ids of the tasks extension (io.modelcontextprotocol/tasks) as agents see them.
// Each server names its own tasks, and several servers may make tasks, so the id an agent
// gets is the server's id sealed with the agent and the server it belongs to: tasks/get,
// tasks/update and tasks/cancel are routed by it, and an agent cannot reach another
// agent's task, or a task of a server it names itself, by guessing or changing an id.
import { isPlainObject } from '../../shared/jsonrpc/message.ts';
import { StateSeal } from './sealed-state.ts';

/** A server task id longer than this is refused (its sealed form is what agents poll with). */
const MAX_SERVER_TASK_ID = 1024;
/**
 * What the sealed form may take: a server id of control characters is six bytes a
 * character once in JSON, and base64 adds a third, so 1,024 of them come to about 8,300.
 */
const MAX_SEALED = 12 * MAX_SERVER_TASK_ID;

interface Bound {
  a: string;
  u: string;
  t: string;
}

export class TaskIds {
  // The same task sealed twice gives the same id (no nonce): agents compare ids across polls.
  private readonly seal = new StateSeal(MAX_SEALED);

  /** The server and its own id for the task an agent names, or why it names none of its tasks (-32602). */
  route(agent: string, taskId: unknown): { upstreamId: string; taskId: string } | string {
    if (typeof taskId !== 'string') return 'the request needs a "taskId" string';
    const bound = this.seal.unseal(taskId);
    if (!isPlainObject(bound) || typeof bound.u !== 'string' || typeof bound.t !== 'string') return 'unknown task (not one Gatehouse issued)';
    // The same answer as an unknown id: whose tasks exist is not for another agent to learn.
    if (bound.a !== agent) return 'unknown task (not one Gatehouse issued)';
    return { upstreamId: bound.u, taskId: bound.t };
  }

  /**
   * A server's result as an agent sees it: a task it carries (a task-creating result, or
   * any result of a tasks/ method) under Gatehouse's id; a string when the server's id is
   * not one that can be carried.
   */
  shown(agent: string, upstreamId: string, method: string, result: Record<string, unknown>): Record<string, unknown> | string {
    if (result.resultType !== 'task' && !method.startsWith('tasks/')) return result;
    const theirs = result.taskId;
    if (theirs === undefined) return result;
    if (typeof theirs !== 'string' || theirs.length > MAX_SERVER_TASK_ID)
      return `sent a task id that is not a string of at most ${MAX_SERVER_TASK_ID} characters`;
    const bound: Bound = { a: agent, u: upstreamId, t: theirs };
    const sealed = this.seal.seal(bound);
    // Never hand out an id that would not be taken back (long agent or server names).
    if (sealed.length > MAX_SEALED) return `sent a task id that, sealed for the agent, is over ${MAX_SEALED} characters`;
    return { ...result, taskId: sealed };
  }
}

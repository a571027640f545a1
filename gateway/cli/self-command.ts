// How the user runs Gatehouse, so hints name a command that works for them:
// `./scripts/gatehouse` from a checkout (the script exports GATEHOUSE_COMMAND as it
// was typed), `gatehouse` when installed.

const PLAIN = /^[\w./~+-]{1,200}$/;

export function selfCommand(env: NodeJS.ProcessEnv = process.env): string {
  const typed = env.GATEHOUSE_COMMAND;
  // Anything odd (spaces, quotes, control characters) would make a hint that cannot be pasted.
  return typed && PLAIN.test(typed) ? typed : 'gatehouse';
}

/** `text` with every backquoted `gatehouse …` hint naming the command the user runs. */
export function withSelf(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const self = selfCommand(env);
  return self === 'gatehouse' ? text : text.replace(/`gatehouse(?= |`)/g, `\`${self}`);
}

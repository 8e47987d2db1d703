/** The executor of each node type, keyed by the `type` discriminator. */
import type { FlowNode, NodeType } from '../schema.ts';
import { exec as caller } from './caller.ts';
import { exec as collect } from './collect.ts';
import { exec as fax } from './fax.ts';
import { exec as directory } from './directory.ts';
import { exec as goto } from './goto.ts';
import { exec as handset } from './handset.ts';
import { exec as hangup } from './hangup.ts';
import { exec as hours } from './hours.ts';
import { exec as listen } from './listen.ts';
import { exec as menu } from './menu.ts';
import { exec as play } from './play.ts';
import { exec as queue } from './queue.ts';
import { exec as survey } from './survey.ts';
import type { NodeExec } from './types.ts';
import { exec as voicemail } from './voicemail.ts';

export const NODE_EXECUTORS: { [K in NodeType]: NodeExec<Extract<FlowNode, { type: K }>> } = {
  play,
  menu,
  collect,
  hours,
  caller,
  voicemail,
  handset,
  queue,
  fax,
  goto,
  hangup,
  listen,
  directory,
  survey,
};

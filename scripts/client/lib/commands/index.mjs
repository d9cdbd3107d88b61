// Every command of the client, in the order `tributary-client --help` lists them.

import { DATASET_COMMANDS } from './datasets.mjs';
import { MODEL_COMMANDS } from './models.mjs';
import { STAKE_COMMANDS } from './stake.mjs';
import { ATTRIBUTION_COMMANDS } from './attribution.mjs';

/** The command table: `{ name, group, summary, description?, args?, options?, signed?, check?, run }`. */
export const COMMANDS = [...DATASET_COMMANDS, ...MODEL_COMMANDS, ...ATTRIBUTION_COMMANDS, ...STAKE_COMMANDS];

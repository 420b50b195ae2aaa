/** The facts `gather_facts` and `setup` read (src/facts/gather.ts), for the runner's Gathering Facts step. */
export { GATHER_SCRIPT, factVars, parseGatheredFacts, selectFacts } from '../facts/gather';

import { dosWorstCase } from '../bench/dos.js';
console.table(await dosWorstCase());

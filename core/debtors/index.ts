export { householdIdOf } from './household.js';

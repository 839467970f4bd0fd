/** Entry of the Pulumi program (`Pulumi.yaml` main: stacks/). */
import { runStack } from './program';

export = runStack();

import { describeStackEnvironment } from './stack-env-checks';

describeStackEnvironment('staging');

// The demo, in order. Each capability adds its step here; the demo must always run end to end.
import type { DemoStep } from './context.js';
import { caStep, cameraStep } from './step-ca.js';
import { checkRootStep } from './step-check-root.js';
import { testBeforeStep } from './step-test.js';
import { deployStep } from './step-deploy.js';
import { installStep } from './step-install.js';
import { genStep } from './step-gen.js';
import { signStep } from './step-sign.js';
import { siteStep } from './step-site.js';
import { scanStep } from './step-scan.js';
import { uiStep } from './step-ui.js';

export const steps: DemoStep[] = [caStep, checkRootStep, cameraStep, testBeforeStep, deployStep, genStep, signStep, siteStep, installStep, scanStep, uiStep];

import t from 'tap';
import { createEmbeddedApprovalStore } from '@aws-guard/broker/approval/embedded-approval-store';
import { approvalStoreSuite } from './approval-store-suite.js';

approvalStoreSuite(t, (options) => createEmbeddedApprovalStore(options));

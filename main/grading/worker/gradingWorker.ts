import { parentPort } from 'node:worker_threads';
import type { GradeItem } from '../gradeItem';
import { judgeAnswer, type AnswerGraderSettings } from '../judgeAnswer';

/** One grading worker thread: answers `{id, settings, item}` with `{id, result}`, one at a time. */
export interface GradingTask {
  id: number;
  settings: AnswerGraderSettings;
  item: GradeItem;
}

const port = parentPort;
if (port) {
  port.on('message', (task: GradingTask) => {
    port.postMessage({ id: task.id, result: judgeAnswer(task.settings, task.item) });
  });
  port.postMessage({ ready: true });
}

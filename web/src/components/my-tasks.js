// "My tasks": the tasks assigned to the signed-in person (`myTasks`), overdue ones first;
// start them or mark them done (the assignee may change a task's status).

import { html, useEffect, useId, useState } from "../ui.js";
import { myTasks, setTaskStatus } from "../crm-api.js";
import { humanEnum } from "./fields.js";
import { TaskList } from "./profile-crm.js";

export function MyTasksView({ me }) {
  const [tasks, setTasks] = useState(null);
  const [withDone, setWithDone] = useState(false);
  const [status, setStatus] = useState("");
  const doneId = useId();
  async function reload(done = withDone) {
    setTasks(await myTasks(done));
  }
  useEffect(() => {
    reload().catch((e) => setStatus(e.message));
  }, [withDone]);
  async function mark(task, to) {
    const result = await setTaskStatus(task, to);
    setStatus(result.ok ? `“${task.title}”: ${humanEnum(to).toLowerCase()}.` : result.problems[0].message);
    await reload();
  }
  const overdue = (tasks ?? []).filter((t) => t.overdue).length;
  return html`<section class="my-tasks" aria-labelledby="my-tasks-h">
    <h2 id="my-tasks-h">My tasks</h2>
    <p class="hint">Tasks whose assignee is ${me}: overdue first, then by due date.${tasks ? ` ${tasks.length} shown, ${overdue} overdue.` : ""}</p>
    <label class="check" for=${doneId}><input id=${doneId} type="checkbox" checked=${withDone} onChange=${(e) => setWithDone(e.currentTarget.checked)} /> Show done and cancelled ones too</label>
    <p class="hint" role="status">${status}</p>
    ${tasks === null ? html`<p class="hint">Loading…</p>` : html`<${TaskList} tasks=${tasks} canWrite=${true} onMark=${mark} showAbout=${true} />`}
  </section>`;
}

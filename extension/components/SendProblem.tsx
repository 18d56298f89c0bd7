import { useAppState } from './app-state';

/** The server's refusal of a send, in words (quota and when it frees, the missing permission, ...). */
export function SendProblem() {
  const { sendError } = useAppState();
  if (!sendError.value) return null;
  return (
    <p class="problem send-problem" role="alert" data-testid="send-problem">
      {sendError.value}
    </p>
  );
}

import { Toast, ToastTitle, useToastController, type ToastIntent } from '@fluentui/react-components';
import { useCallback } from 'react';

/** The id of the app's one Toaster (rendered in app.tsx). */
export const TOASTER_ID = 'scimdesk-toaster';

/** Shows a short confirmation ("Copied", "Saved") in the corner; announced to screen readers by Fluent. */
export function useNotify(): (message: string, intent?: ToastIntent) => void {
  const { dispatchToast } = useToastController(TOASTER_ID);
  return useCallback(
    (message, intent = 'success') =>
      dispatchToast(
        <Toast>
          <ToastTitle>{message}</ToastTitle>
        </Toast>,
        { intent, timeout: 3000 },
      ),
    [dispatchToast],
  );
}

/** A delivery that should be attempted at `runAt` (now or later): what moves between the pipeline's stages. */
export interface DueDelivery {
  id: string;
  runAt: Date;
}

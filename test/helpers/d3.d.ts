// The two d3 functions test/dashboard/percentTicks.test.ts checks the frontier's tick labels with
// (the ones Observable Plot draws axes with); d3 ships no type declarations of its own.
declare module "d3-array" {
  /** d3's nice tick values between `start` and `stop`, about `count` of them. */
  export function ticks(start: number, stop: number, count: number): number[];
}
declare module "d3-format" {
  /** A number formatter for a d3 format specifier such as ".1%". */
  export function format(specifier: string): (value: number) => string;
}

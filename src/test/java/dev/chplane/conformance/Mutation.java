package dev.chplane.conformance;

/** One mutated request body (raw text) and what chplane must answer to it. */
record Mutation(String kind, String description, String body, Outcome outcome) {

  /** What a mutation must get. */
  enum Outcome {
    /** still a valid request: 200 */
    ACCEPTED,
    /** invalid: 400 (or 404 for an unknown id), and nothing stored changes */
    REJECTED,
    /** a field sent as null, which chplane takes as absent: 200, or a 400 that changes nothing */
    EITHER
  }

  @Override
  public String toString() {
    return kind + " (" + description + ", expect " + outcome + ")";
  }
}

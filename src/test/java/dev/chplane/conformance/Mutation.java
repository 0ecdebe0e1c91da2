package dev.chplane.conformance;

/** One mutated request body (raw text) and what chplane must answer to it. */
record Mutation(String kind, String description, String body, Outcome outcome) {

  /** What a mutation must get. */
  enum Outcome {
    /** still a valid request: 200 */
    ACCEPTED,
    /** invalid: 400 (or 404 for an unknown id), and nothing stored changes */
    REJECTED,
    /**
     * an optional field sent as null: absent (200) where the official type is nullable, else a 400
     * that changes nothing
     */
    EITHER
  }

  @Override
  public String toString() {
    return kind + " (" + description + ", expect " + outcome + ")";
  }
}

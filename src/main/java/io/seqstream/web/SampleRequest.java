package io.seqstream.web;

import io.vertx.core.json.JsonObject;

/**
 * A checked {@code POST /api/models/{m}/sample} body: seed text, temperature (0 = argmax), most characters, number
 * of samples and the random seed; a bad field is an IllegalArgumentException naming it.
 */
record SampleRequest(String seed, double temperature, int max, int n, long rng) {
    /** Most characters one sample request may generate, and most samples per request. */
    static final int MAX_SAMPLE_LENGTH = 2000;
    static final int MAX_SAMPLES = 20;

    static SampleRequest from(JsonObject b) {
        Object seed = b.getValue("seed", "");
        if (!(seed instanceof String)) throw new IllegalArgumentException("seed must be a string");
        double t = number(b, "temperature", 1.0);
        if (!(t >= 0) || t > 100) throw new IllegalArgumentException("temperature must be a number from 0 (argmax) to 100, was " + b.getValue("temperature"));
        double max = number(b, "max", 200);
        if (max != Math.rint(max) || max < 0 || max > MAX_SAMPLE_LENGTH) {
            throw new IllegalArgumentException("max must be a whole number from 0 to " + MAX_SAMPLE_LENGTH + ", was " + b.getValue("max"));
        }
        double n = number(b, "n", 1);
        if (n != Math.rint(n) || n < 1 || n > MAX_SAMPLES) {
            throw new IllegalArgumentException("n must be a whole number from 1 to " + MAX_SAMPLES + ", was " + b.getValue("n"));
        }
        double rng = b.containsKey("rng") ? number(b, "rng", 0) : System.nanoTime();
        if (rng != Math.rint(rng)) throw new IllegalArgumentException("rng must be a whole number, was " + b.getValue("rng"));
        return new SampleRequest((String) seed, t, (int) max, (int) n, (long) rng);
    }

    private static double number(JsonObject b, String key, double def) {
        Object v = b.getValue(key);
        if (v == null) return def;
        if (!(v instanceof Number num)) throw new IllegalArgumentException(key + " must be a number, was " + v);
        return num.doubleValue();
    }
}

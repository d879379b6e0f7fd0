package io.seqstream.train;

/** Which ND4J backend (CPU or CUDA) is on the classpath, for the trainer's start-up log. */
final class Nd4jInfo {
    private Nd4jInfo() {
    }

    static String backend() {
        try {
            Object backend = org.nd4j.linalg.factory.Nd4j.getBackend();
            String devices = String.valueOf(org.nd4j.linalg.factory.Nd4j.getAffinityManager().getNumberOfDevices());
            return backend.getClass().getSimpleName() + " (" + devices + " device(s))";
        } catch (Throwable e) {
            return "unavailable (" + e.getClass().getSimpleName() + ")";
        }
    }
}

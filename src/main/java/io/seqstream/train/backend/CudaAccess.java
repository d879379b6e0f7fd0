package io.seqstream.train.backend;

import io.seqstream.train.device.Device;

/**
 * Opens the CUDA device without loading its classes into a JVM that lacks the foreign-function module they link
 * against, so that a missing module is a reason to report rather than a NoClassDefFoundError.
 */
final class CudaAccess {
    /** The JVM options the CUDA device needs (jvm.options carries them; gpu-check.sh passes them). */
    static final String JVM_OPTIONS = "--add-modules=jdk.incubator.foreign --enable-native-access=ALL-UNNAMED";

    private CudaAccess() {
    }

    static Device openDevice() {
        if (ModuleLayer.boot().findModule("jdk.incubator.foreign").isEmpty()) {
            throw new BackendUnavailableException("the JVM was started without the foreign-function module the CUDA "
                    + "binding uses (" + JVM_OPTIONS + ")");
        }
        try {
            return io.seqstream.train.device.cuda.CudaDevice.open();
        } catch (io.seqstream.train.device.cuda.CudaUnavailableException e) {
            throw new BackendUnavailableException(e.getMessage(), e);
        } catch (IllegalCallerException e) {
            throw new BackendUnavailableException("native access is not enabled for the CUDA binding (" + JVM_OPTIONS + ")", e);
        }
    }
}

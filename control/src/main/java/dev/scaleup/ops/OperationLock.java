package dev.scaleup.ops;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** One change to a running deployment at a time (deploy, scale, restart): an exclusive lock on a file in its state. */
public final class OperationLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private OperationLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    public static OperationLock acquire(Path file, String operation) {
        try {
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = new String(java.nio.file.Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
                channel.close();
                throw new OperatorException("another operation is running on this deployment (" + holder
                        + "); wait for it to finish");
            }
            channel.truncate(0);
            channel.write(java.nio.ByteBuffer.wrap((operation + " by pid " + ProcessHandle.current().pid())
                    .getBytes(StandardCharsets.UTF_8)));
            return new OperationLock(channel, lock);
        } catch (IOException e) {
            throw new OperatorException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the lock goes with the process anyway
        }
    }
}

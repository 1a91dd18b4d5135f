package dev.autogateway.openai;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/** A buffer's bytes as a slice of an array: where they lie when on the heap (as Vert.x's bodies are), else a copy. */
record BufferBytes(byte[] array, int offset, int length) {

    static BufferBytes of(Buffer buffer) {
        ByteBuf b = ((BufferInternal) buffer).getByteBuf();
        if (b.hasArray()) {
            return new BufferBytes(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
        }
        byte[] copy = buffer.getBytes();
        return new BufferBytes(copy, 0, copy.length);
    }
}

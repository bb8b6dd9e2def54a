package org.quotaware.benchmarks;

/** User names, made once before measuring so that no benchmark pays for building them. */
public final class Users {

    /** A prime stride: consecutive calls of one thread land on users far apart. */
    public static final int STRIDE = 7_919;

    private Users() {
    }

    public static String[] names(int count) {
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = "user-" + i;
        }
        return names;
    }
}

package org.quotaware.sample.pricelist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class SkuIndexTest {

    @Test
    void numbersNewSkusInOrderAndFindsThemAgainAfterGrowing() {
        SkuIndex index = new SkuIndex();
        int skus = 200_000;
        for (int i = 0; i < skus; i++) {
            assertThat(index.add("SKU-" + i, i + 2)).isEqualTo(-1);
        }

        for (int i = 0; i < skus; i += 997) {
            int entry = index.add("SKU-" + i, skus + 2);
            assertThat(entry).isEqualTo(i);
            assertThat(index.firstLine(entry)).isEqualTo(i + 2);
        }
        assertThat(index.size()).isEqualTo(skus);
    }

    @Test
    void comparesWholeSkusByteForByte() {
        SkuIndex index = new SkuIndex();

        assertThat(index.add("A1", 2)).isEqualTo(-1);
        assertThat(index.add("A10", 3)).isEqualTo(-1);
        assertThat(index.add("a1", 4)).isEqualTo(-1);
        assertThat(index.add("Crème", 5)).isEqualTo(-1);
        assertThat(index.add("Creme", 6)).isEqualTo(-1);
        assertThat(index.add("", 7)).isEqualTo(-1);

        assertThat(index.add("A10", 8)).isEqualTo(1);
        assertThat(index.add("Crème", 9)).isEqualTo(3);
        assertThat(index.add("", 10)).isEqualTo(5);
        assertThat(index.firstLine(3)).isEqualTo(5);
        assertThat(index.size()).isEqualTo(6);
    }

    @Test
    void skusCraftedToCollideUnderAnUnkeyedHashCostLinearProbing() {
        // what a caller who read the source can send: skus whose unkeyed FNV-1a hash lands in 256 neighbouring slots
        // of the table 20 000 skus fill, so that linear probing walks one cluster that grows with every sku
        List<String> crafted = new ArrayList<>();
        for (long i = 0; crafted.size() < 20_000; i++) {
            String sku = "K" + Long.toString(i, 36);
            if ((unkeyedHash(sku.getBytes(StandardCharsets.UTF_8)) & 0x7FFF) < 256) {
                crafted.add(sku);
            }
        }
        SkuIndex index = new SkuIndex();

        for (int i = 0; i < crafted.size(); i++) {
            assertThat(index.add(crafted.get(i), i + 2)).isEqualTo(-1);
        }

        assertThat(index.size()).isEqualTo(crafted.size());
        assertThat(index.probes()).as("slots looked at for %d skus", crafted.size())
                .isLessThanOrEqualTo(8L * crafted.size());
    }

    /** The index's hash before it was keyed: FNV-1a, then MurmurHash3's finaliser, the same in every JVM. */
    private static int unkeyedHash(byte[] bytes) {
        int h = 0x811C9DC5;
        for (byte b : bytes) {
            h = (h ^ b) * 0x01000193;
        }
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }
}

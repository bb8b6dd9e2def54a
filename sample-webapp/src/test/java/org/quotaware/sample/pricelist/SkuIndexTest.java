package org.quotaware.sample.pricelist;

import static org.assertj.core.api.Assertions.assertThat;

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
}

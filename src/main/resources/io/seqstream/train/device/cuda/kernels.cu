// The element-wise kernels of the CUDA training device, compiled at run time by NVRTC for the GPU's own compute
// capability. Each kernel is, per thread, the loop body of the same method of CpuDevice (the test suite's reference),
// and the cell formulas are those of CellMath. One thread per element (or per row for the row-wise kernels);
// 1-D grids. Pointers arrive already offset by the host.

#define IDX long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x

__device__ __forceinline__ float sigm(float x) { return 1.0f / (1.0f + expf(-x)); }

extern "C" __global__ void fill_f(float* x, int n, float v) {
    IDX; if (i < n) x[i] = v;
}

extern "C" __global__ void add_f(const float* a, const float* b, float* d, int n) {
    IDX; if (i < n) d[i] = a[i] + b[i];
}

extern "C" __global__ void scale_f(float* x, int n, float s) {
    IDX; if (i < n) x[i] *= s;
}

extern "C" __global__ void broadcast_rows(const float* src, float* dst, int m, int n) {
    IDX; if (i < (long long) m * n) dst[i] = src[i % n];
}

extern "C" __global__ void gather_rows(const float* table, const int* idx, int m, int n, float* dst, int accumulate) {
    IDX;
    if (i >= (long long) m * n) return;
    long long r = i / n;
    int j = (int) (i % n);
    float v = table[(long long) idx[r] * n + j];
    dst[i] = accumulate ? dst[i] + v : v;
}

// Indices may repeat (the same token twice in a batch): atomic adds, in no fixed order (training needs no bit-exact replay).
extern "C" __global__ void scatter_add_rows(const float* src, const int* idx, int m, int n, float* table) {
    IDX;
    if (i >= (long long) m * n) return;
    long long r = i / n;
    int j = (int) (i % n);
    atomicAdd(&table[(long long) idx[r] * n + j], src[i]);
}

extern "C" __global__ void add_column_sums(const float* src, int m, int n, float* dst) {
    IDX;
    if (i >= n) return;
    float sum = 0.0f;
    for (int r = 0; r < m; r++) sum += src[(long long) r * n + i];
    dst[i] += sum;
}

extern "C" __global__ void rnn_forward(int m, int h, float* act, float* hOut) {
    IDX;
    if (i >= (long long) m * h) return;
    long long r = i / h;
    int j = (int) (i % h);
    float v = tanhf(act[r * h + j]);
    act[r * h + j] = v;
    hOut[i] = v;
}

extern "C" __global__ void lstm_forward(int m, int h, float* act, const float* cPrev, float* hOut, float* cOut) {
    IDX;
    if (i >= (long long) m * h) return;
    long long r = i / h;
    int j = (int) (i % h);
    float* a = act + r * 4 * h;
    float ig = sigm(a[j]);
    float fg = sigm(a[h + j]);
    float gg = tanhf(a[2 * h + j]);
    float og = sigm(a[3 * h + j]);
    a[j] = ig;
    a[h + j] = fg;
    a[2 * h + j] = gg;
    a[3 * h + j] = og;
    float c = fg * cPrev[i] + ig * gg;
    cOut[i] = c;
    hOut[i] = og * tanhf(c);
}

extern "C" __global__ void gru_forward(int m, int h, float* act, const float* hh, const float* hPrev, float* hOut) {
    IDX;
    if (i >= (long long) m * h) return;
    long long r = i / h;
    int j = (int) (i % h);
    float* a = act + r * 3 * h;
    const float* q = hh + r * 3 * h;
    float z = sigm(a[j] + q[j]);
    float rg = sigm(a[h + j] + q[h + j]);
    float n = tanhf(a[2 * h + j] + rg * q[2 * h + j]);
    a[j] = z;
    a[h + j] = rg;
    a[2 * h + j] = n;
    hOut[i] = (1.0f - z) * n + z * hPrev[i];
}

extern "C" __global__ void rnn_backward(int m, int h, const float* act, const float* dh, float* da, float* dhPrev) {
    IDX;
    if (i >= (long long) m * h) return;
    float v = act[i];
    da[i] = dh[i] * (1.0f - v * v);
    dhPrev[i] = 0.0f;
}

extern "C" __global__ void lstm_backward(int m, int h, const float* act, const float* cPrev, const float* c,
                                         const float* dh, const float* dc, float* da, float* dhPrev, float* dcPrev) {
    IDX;
    if (i >= (long long) m * h) return;
    long long r = i / h;
    int j = (int) (i % h);
    const float* a = act + r * 4 * h;
    float ig = a[j];
    float fg = a[h + j];
    float gg = a[2 * h + j];
    float og = a[3 * h + j];
    float tc = tanhf(c[i]);
    float g = dh[i];
    float dct = dc[i] + g * og * (1.0f - tc * tc);
    float* d = da + r * 4 * h;
    d[j] = dct * gg * ig * (1.0f - ig);
    d[h + j] = dct * cPrev[i] * fg * (1.0f - fg);
    d[2 * h + j] = dct * ig * (1.0f - gg * gg);
    d[3 * h + j] = g * tc * og * (1.0f - og);
    dcPrev[i] = dct * fg;
    dhPrev[i] = 0.0f;
}

extern "C" __global__ void gru_backward(int m, int h, const float* act, const float* hh, const float* hPrev,
                                        const float* dh, float* da, float* dhh, float* dhPrev) {
    IDX;
    if (i >= (long long) m * h) return;
    long long r = i / h;
    int j = (int) (i % h);
    const float* a = act + r * 3 * h;
    float z = a[j];
    float rg = a[h + j];
    float n = a[2 * h + j];
    float g = dh[i];
    float hp = hPrev[i];
    float dan = g * (1.0f - z) * (1.0f - n * n);
    float daz = g * (hp - n) * z * (1.0f - z);
    float dar = dan * hh[r * 3 * h + 2 * h + j] * rg * (1.0f - rg);
    float* d = da + r * 3 * h;
    float* e = dhh + r * 3 * h;
    d[j] = daz;
    d[h + j] = dar;
    d[2 * h + j] = dan;
    e[j] = daz;
    e[h + j] = dar;
    e[2 * h + j] = dan * rg;
    dhPrev[i] = g * z;
}

extern "C" __global__ void softmax_rows(float* z, int m, int n) {
    IDX;
    if (i >= m) return;
    float* row = z + i * n;
    float mx = __int_as_float(0xff800000);  // -inf without math.h (NVRTC has no standard headers)
    for (int j = 0; j < n; j++) mx = fmaxf(mx, row[j]);
    float sum = 0.0f;
    for (int j = 0; j < n; j++) {
        float e = expf(row[j] - mx);
        row[j] = e;
        sum += e;
    }
    float inv = 1.0f / sum;
    for (int j = 0; j < n; j++) row[j] *= inv;
}

extern "C" __global__ void cross_entropy_gradient(float* p, int m, int n, const int* targets, float* rowLoss,
                                                  float* rowCorrect) {
    IDX;
    if (i >= m) return;
    float* row = p + i * n;
    int t = targets[i];
    if (t < 0) {
        for (int j = 0; j < n; j++) row[j] = 0.0f;
        rowLoss[i] = 0.0f;
        rowCorrect[i] = -1.0f;
        return;
    }
    int best = 0;
    for (int j = 1; j < n; j++) {
        if (row[j] > row[best]) best = j;
    }
    rowLoss[i] = -logf(fmaxf(row[t], 1e-30f));
    rowCorrect[i] = best == t ? 1.0f : 0.0f;
    row[t] -= 1.0f;
}
